package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
)

// fakeClock is set by the test; progress never reads the real time here.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func isTTY(width int) terminal {
	return func(io.Writer) (int, bool) { return width, true }
}

func notTTY(io.Writer) (int, bool) { return 0, false }

// lockedBuffer is written by the progress goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressTexts(t *testing.T) {
	tests := []struct {
		name    string
		text    func(time.Duration) string
		elapsed time.Duration
		want    string
	}{
		{"options over UDP", probeWaiting(probe.KindOptions, probe.Config{Target: "pbx", Timeout: 10 * time.Second}), 3200 * time.Millisecond,
			"waiting for a final response to OPTIONS over UDP… 3.2 s of 10 s"},
		{"register over TLS from sips:", probeWaiting(probe.KindRegister, probe.Config{Target: "sips:pbx", Timeout: 2500 * time.Millisecond}), 0,
			"waiting for a final response to REGISTER over TLS… 0.0 s of 2.5 s"},
		{"invite over TCP", probeWaiting(probe.KindInvite, probe.Config{Target: "pbx", Transport: "tcp", Timeout: 30 * time.Second, Invite: probe.InviteConfig{To: "200"}}), 12 * time.Second,
			"waiting for the test call to 200 over TCP… 12.0 s"},
		{"default timeout", probeWaiting(probe.KindOptions, probe.Config{Target: "pbx"}), time.Second,
			"waiting for a final response to OPTIONS over UDP… 1.0 s of " + strings.TrimSuffix(probe.DefaultTimeout.String(), "s") + " s"},
		{"run", runDone(func() int { return 3 }, 12), 4100 * time.Millisecond,
			"3 of 12 probes done… 4.1 s"},
		{"run of one probe", runDone(func() int { return 0 }, 1), 0,
			"0 of 1 probe done… 0.0 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text(tt.elapsed); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProgressLine: each draw goes back to the margin and overwrites what
// was there; pause clears the line and keeps it clear; end clears it.
func TestProgressLine(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	texts := map[time.Duration]string{
		1 * time.Second: "long line one",
		2 * time.Second: "short",
		3 * time.Second: "a line far longer than the terminal is wide",
	}
	var out bytes.Buffer
	p := newProgress(&out, isTTY(21), clock.now, func(d time.Duration) string { return texts[d] })
	if p == nil {
		t.Fatal("no progress on a terminal")
	}
	steps := []struct {
		name string
		do   func()
		want string
	}{
		{"first draw", func() { clock.t = clock.t.Add(time.Second); p.draw() }, "\rlong line one"},
		{"shorter text blanks the rest", func() { clock.t = clock.t.Add(time.Second); p.draw() }, "\rshort        \rshort"},
		{"pause clears", p.pause, "\r     \r"},
		{"no drawing while paused", p.draw, ""},
		{"resume draws, cut to the width", func() { clock.t = clock.t.Add(time.Second); p.resume() }, "\ra line far longer t…"},
		{"end clears", p.end, "\r" + strings.Repeat(" ", 20) + "\r"},
		{"ended: nothing more", p.draw, ""},
	}
	for _, s := range steps {
		out.Reset()
		s.do()
		if got := out.String(); got != s.want {
			t.Errorf("%s: wrote %q, want %q", s.name, got, s.want)
		}
	}
}

// TestProgressRunAndEnd: the goroutine draws at once, and end leaves a
// clear line behind (no timing involved: one draw always happens).
func TestProgressRunAndEnd(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	var out lockedBuffer
	p := newProgress(&out, isTTY(80), clock.now, func(time.Duration) string { return "working" })
	p.run(context.Background())
	p.end()
	got := out.String()
	if !strings.HasPrefix(got, "\rworking") || !strings.HasSuffix(got, "\r       \r") {
		t.Errorf("wrote %q", got)
	}
}

// TestNoProgressWithoutTerminal: nothing at all reaches a stderr that is
// not a terminal, through a nil *progress and through the commands.
func TestNoProgressWithoutTerminal(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(&out, notTTY, time.Now, func(time.Duration) string { return "x" })
	if p != nil {
		t.Fatal("progress on a non-terminal")
	}
	p.run(context.Background())
	p.draw()
	p.pause()
	p.resume()
	p.end()
	if out.Len() != 0 {
		t.Errorf("wrote %q", out.String())
	}
	code, _, stderr := runMain(t, "options", "--server", closedUDPPort(t), "--timeout", "1s", "--no-fallback")
	if code != 2 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if strings.ContainsAny(stderr, "\r") || strings.Contains(stderr, "waiting for") {
		t.Errorf("stderr of a non-terminal got progress: %q", stderr)
	}
}
