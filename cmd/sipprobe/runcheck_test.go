package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunOnlyAndAccountsEdges: what a new user meets with --only on a
// shared file, with accounts files in --check, and with an accounts file
// that cannot be read: the messages, the exit codes, and that nothing
// runs when it should not.
func TestRunOnlyAndAccountsEdges(t *testing.T) {
	t.Setenv("EDGES_PW", "secret")
	server := closedUDPPort(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		must(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	shared := write("shared.toml", fmt.Sprintf(`[defaults]
server = %q

[[probe]]
name = "alive"
kind = "options"

[[probe]]
name = "reg"
kind = "register"
user = "120"
password_env = "EDGES_NOT_SET"
transports = ["udp", "tcp"]
`, server))
	typo := write("typo.toml", strings.Replace(mustRead(t, shared), `kind = "register"`, `kind = "register"`+"\nexpires = \"60\"", 1))
	good := write("good.csv", "user,password_env\n120,EDGES_PW\n121,EDGES_PW\n122,\n")
	bad := write("bad.csv", "user,password_env\n120,EDGES_PW\n,EDGES_PW\n121,EDGES_PW,extra\n122,EDGES_PW\n")
	one := write("one.csv", "user,domain\n120,\n,example.com\n")
	missing := filepath.Join(dir, "missing.csv")
	sweep := func(name, accounts string) string {
		return write(name, fmt.Sprintf("[[probe]]\nname = \"sweep\"\nkind = \"options\"\nserver = %q\naccounts = %q\n\n[[probe]]\nname = \"alive\"\nkind = \"options\"\nserver = %q\n", server, accounts, server))
	}
	goodRun, badRun, missingRun := sweep("good.toml", good), sweep("bad.toml", bad), sweep("missing.toml", missing)
	fifo := filepath.Join(dir, "header.csv")
	must(t, syscall.Mkfifo(fifo, 0o600))

	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string // each must appear
		stderr []string
		not    []string // must appear in neither
	}{
		{"check --only skips the other entry's secret", []string{"run", "--check", shared, "--only", "alive"}, 0,
			[]string{shared + ": OK, 1 probe, 1 result per run; nothing was sent"}, nil, []string{"EDGES_NOT_SET"}},
		{"run --only skips the other entry's secret", []string{"run", shared, "--only", "alive", "--no-history"}, 2,
			[]string{"alive", "port-unreachable", "1 probe: 1 critical"}, nil, []string{"EDGES_NOT_SET", `probe "reg"`, "reg/"}},
		{"--only one transport still needs that entry's secret", []string{"run", "--check", shared, "--only", "reg/udp"}, 3,
			nil, []string{"1 problem, nothing was sent", `shared.toml:12: probe "reg": password_env: environment variable EDGES_NOT_SET is not set`}, nil},
		{"without --only every secret is needed", []string{"run", "--check", shared}, 3,
			nil, []string{"1 problem, nothing was sent", "EDGES_NOT_SET is not set"}, nil},
		{"--only still checks every entry", []string{"run", "--check", typo, "--only", "alive"}, 3,
			nil, []string{`typo.toml:11: probe "reg": expires: want an integer`}, nil},
		{"--only with an unknown name is a usage error", []string{"run", "--check", shared, "--only", "alvie"}, 3,
			nil, []string{`--only: no such probe "alvie"`, `(did you mean "alive"?)`, "Run 'sipprobe run --help' for usage."}, []string{"EDGES_NOT_SET"}},
		{"check counts the good rows", []string{"run", "--check", goodRun}, 0,
			[]string{goodRun + ": OK, 2 probes, 4 results per run; nothing was sent"}, nil, nil},
		{"check lists bad rows with file:line", []string{"run", "--check", badRun}, 3,
			nil, []string{
				"sipprobe: bad row: " + bad + ":3: empty user\n",
				"sipprobe: bad row: " + bad + ":4: 3 fields, the header has 2\n",
				badRun + ": 2 bad rows (listed above): a run skips them and exits 3; 2 probes, 3 results per run; nothing was sent",
			}, []string{": OK"}},
		{"check --only leaves the other entry's rows alone", []string{"run", "--check", badRun, "--only", "alive"}, 0,
			[]string{badRun + ": OK, 1 probe, 1 result per run"}, nil, []string{"bad row"}},
		{"an unreadable accounts file fails the load", []string{"run", missingRun, "--no-history"}, 3,
			nil, []string{"missing.toml: 1 problem, nothing was sent:\n" + missingRun + `:5: probe "sweep": accounts: ` + missing + ": cannot read: no such file or directory"},
			[]string{"Results by diagnosis", "port-unreachable"}},
		{"... but not with --only another entry", []string{"run", "--check", missingRun, "--only", "alive"}, 0,
			[]string{"OK, 1 probe, 1 result per run"}, nil, nil},
		{"one bad row in a sweep", []string{"options", "--server", server, "--accounts", one, "--no-history"}, 3,
			[]string{"1 probe: 1 critical"}, []string{"sipprobe: skipped: " + one + ":3: empty user\n", "sipprobe: 1 bad row skipped (listed above); 1 account probed\n"}, nil},
		{"an unreadable accounts file is one error", []string{"register", "--server", server, "--accounts", missing, "--no-history"}, 3,
			nil, []string{"sipprobe: accounts file " + missing + ": cannot read: no such file or directory\n"},
			[]string{"Results by diagnosis", "0 probes", "bad row", "skipped", "--help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q", w)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(stdout+stderr, w) {
					t.Errorf("output has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}

	// --check leaves a pipe's rows to the run: opening it would wait for
	// a writer and take the rows the run needs.
	t.Run("check does not open a pipe", func(t *testing.T) {
		fifoRun := sweep("fifo.toml", fifo)
		type outcome struct {
			code           int
			stdout, stderr string
		}
		done := make(chan outcome, 1)
		go func() {
			code, stdout, stderr := runMain(t, "run", "--check", fifoRun)
			done <- outcome{code, stdout, stderr}
		}()
		select {
		case o := <-done:
			want := fifoRun + ": OK, 2 probes, 1 result per run and one per row of " + fifo + ", read only when it runs; nothing was sent"
			if o.code != 0 || !strings.Contains(o.stdout, want) {
				t.Errorf("exit %d, want 0 and %q; stdout:\n%s\nstderr:\n%s", o.code, want, o.stdout, o.stderr)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("run --check waits on the pipe")
		}
	})

	// A pipe's header is read only when the sweep runs: a bad one is one
	// error there too, with no empty summary after it.
	t.Run("a pipe with a bad header is one error", func(t *testing.T) {
		// Should the command never open the pipe, a reader opened here
		// at the end lets the writer below finish.
		t.Cleanup(func() {
			if fh, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
				fh.Close()
			}
		})
		go func() {
			fh, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer fh.Close()
			_, _ = fh.WriteString("usr\n120\n")
		}()
		code, stdout, stderr := runMain(t, "options", "--server", server, "--accounts", fifo, "--no-history")
		want := "sipprobe: accounts file " + fifo + `:1: unknown column "usr"`
		if code != 3 || stdout != "" || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("exit %d, want 3, one line starting %q and no stdout; stdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
		}
	})
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return string(b)
}
