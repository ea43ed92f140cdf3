package testpeers

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ErrLeftBehind is returned by Process.Stop when a process of the peer's
// group survived SIGKILL; a leaked server would hold ports and skew later
// tests, so callers treat it as a test failure.
var ErrLeftBehind = errors.New("testpeers: process left behind")

// Process is a peer binary started for a test in its own process group, so
// that stopping it also reaches the children it forked (Kamailio forks one
// process per listener and worker).
type Process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	waitErr error
	stop    sync.Once
	stopErr error
}

// StartProcess starts cmd with stdout and stderr appended to logPath and
// registers a t.Cleanup that stops it and fails the test if anything of it
// is left. On test failure the log tail is printed, which is usually the
// only clue why a peer misbehaved.
func StartProcess(t testing.TB, cmd *exec.Cmd, logPath string) (*Process, error) {
	t.Helper()
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	p := &Process{name: cmd.Args[0], cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stop %s: %v", p.name, err)
		}
		if t.Failed() {
			t.Logf("%s log (%s), last lines:\n%s", p.name, logPath, p.LogTail(40))
		}
	})
	return p, nil
}

// Pid is the process id of the main process (also its process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the main process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitErr is the result of Wait; valid after Done is closed.
func (p *Process) ExitErr() error { <-p.done; return p.waitErr }

// Log returns the whole log so far.
func (p *Process) Log() string {
	b, _ := os.ReadFile(p.logPath) // a missing log just means no output
	return string(b)
}

// LogTail returns the last n lines of the log.
func (p *Process) LogTail(n int) string {
	lines := strings.Split(strings.TrimRight(p.Log(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// stopGrace is how long a peer gets to exit after SIGTERM; Kamailio needs
// ~50 ms, SIPp a little more when it dumps statistics.
const stopGrace = 5 * time.Second

// termNudge is when Stop repeats SIGTERM to the whole group.
const termNudge = 300 * time.Millisecond

// Stop sends SIGTERM to the main process, waits, falls back to SIGKILL of
// the whole group,
// and then checks that no process of the group is left. Safe to call more
// than once and concurrently.
func (p *Process) Stop() error {
	p.stop.Do(func() { p.stopErr = p.terminate() })
	return p.stopErr
}

func (p *Process) terminate() error {
	pgid := p.cmd.Process.Pid
	// SIGTERM to the main process only: Kamailio's main process then stops
	// its children itself. Signalling the whole group races with that
	// shutdown and sometimes leaves the main process hanging.
	_ = syscall.Kill(pgid, syscall.SIGTERM) // ESRCH: already gone, fine
	select {
	case <-p.done:
	case <-time.After(termNudge):
		// A child still starting up may have missed the main process's
		// SIGTERM (Kamailio's main then waits for it forever); by now it
		// has its handlers, so tell the whole group once more.
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopGrace):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
	}
	// The main process is reaped; children may still be exiting. Give them
	// a moment, tell orphans (a shell's background jobs never got the
	// SIGTERM) to stop, then kill whatever is left and report it.
	nudge := time.Now().Add(termNudge)
	deadline := nudge.Add(stopGrace)
	for groupAlive(pgid) {
		if !nudge.IsZero() && time.Now().After(nudge) {
			_ = syscall.Kill(-pgid, syscall.SIGTERM)
			nudge = time.Time{}
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			time.Sleep(100 * time.Millisecond)
			if groupAlive(pgid) {
				return fmt.Errorf("%w: process group %d of %s", ErrLeftBehind, pgid, p.name)
			}
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// groupAlive reports whether any process of the group still exists.
// Zombies count as gone: they hold no sockets, and init reaps them.
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); err != nil {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		if alive, ok := memberAlive(e.Name(), pgid); ok && alive {
			return true
		}
	}
	return false
}

// memberAlive reads /proc/PID/stat: field 3 is the state, field 5 the pgid.
func memberAlive(pid string, pgid int) (alive, ok bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false, false
	}
	// The command name (field 2) may contain spaces; parse after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return false, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 3 {
		return false, false
	}
	var g int
	if _, err := fmt.Sscan(f[2], &g); err != nil || g != pgid {
		return false, false
	}
	return f[0] != "Z" && f[0] != "X", true
}
