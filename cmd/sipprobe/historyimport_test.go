package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHistoryImport: the JSON Lines of runs made elsewhere (--json FILE,
// as the shards of a large sweep write them) go into one history, each
// result once; a bad line is named with file:line and loses nothing else.
func TestHistoryImport(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.toml")
	must(t, os.WriteFile(scen, fmt.Appendf(nil, `[defaults]
server = %q
no_fallback = true

[[probe]]
name = "dead"
kind = "options"
repeat = 2

[[probe]]
name = "evil\u001b[5m"
kind = "options"
`, closedUDPPort(t)), 0o600))
	shard := filepath.Join(dir, "shard.jsonl")
	sipprobe := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"sipprobe"}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, out, errOut := sipprobe("run", scen, "--json", shard, "--no-history", "--rate", "0"); code != 2 {
		t.Fatalf("shard run: exit %d\n%s%s", code, out, errOut)
	}
	good, err := os.ReadFile(shard)
	must(t, err)
	lines := strings.SplitAfter(strings.TrimSuffix(string(good), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines in the shard's JSON Lines, want 3", len(lines))
	}
	bad := filepath.Join(dir, "bad.jsonl")
	must(t, os.WriteFile(bad, []byte(lines[0]+"{\"probe\": \"options\"}\n"+lines[2]), 0o600))
	future := filepath.Join(dir, "future.jsonl")
	must(t, os.WriteFile(future, []byte(regexp.MustCompile(`"started_at":"[^"]*"`).ReplaceAllString(lines[0], `"started_at":"2099-01-01T00:00:00Z"`)), 0o600))
	// A file of log lines, not results: nothing in it is imported.
	logs := filepath.Join(dir, "serve.err")
	must(t, os.WriteFile(logs, []byte("2026/11/21 10:00:00 listening on :8080\n2026/11/21 10:00:05 probe alive: ok\n"), 0o600))
	// One result the history lacks (an older start) and a bad line.
	mixed := filepath.Join(dir, "mixed.jsonl")
	must(t, os.WriteFile(mixed, []byte(regexp.MustCompile(`"started_at":"[^"]*"`).ReplaceAllString(lines[0], `"started_at":"2020-01-01T00:00:00Z"`)+"not json\n"), 0o600))
	db := filepath.Join(dir, "h.db")

	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderr   []string
		noStderr bool
	}{
		{"a new history", []string{"shard.jsonl"}, 0, "shard.jsonl: 3 results imported into " + db + "\n", nil, true},
		{"the same file again adds nothing", []string{"shard.jsonl"}, 0, "shard.jsonl: 0 results imported into " + db + ", 3 already there\n", nil, true},
		{"a bad line and a missing file", []string{"bad.jsonl", "missing.jsonl"}, 3,
			"bad.jsonl: 0 results imported into " + db + ", 2 already there, 1 bad line skipped\n",
			[]string{"sipprobe: bad.jsonl:2: not a sipprobe result: no started_at", "sipprobe: missing.jsonl: no such file or directory", "sipprobe: nothing was imported (see above)\n"}, false},
		{"log lines, not results", []string{"serve.err"}, 3,
			"serve.err: 0 results imported into " + db + ", 2 bad lines skipped\n",
			[]string{"sipprobe: serve.err:1: ", "sipprobe: nothing was imported (see above)\n"}, false},
		{"some imported, a bad line", []string{"mixed.jsonl"}, 3,
			"mixed.jsonl: 1 result imported into " + db + ", 1 bad line skipped\n",
			[]string{"sipprobe: mixed.jsonl:2: ", "some lines were not imported (see above); the others were"}, false},
		{"stdin", []string{"-"}, 0, "stdin: 0 results imported into " + db + ", 3 already there\n", nil, true},
		{"a result from the future", []string{"future.jsonl"}, 3,
			"future.jsonl: 0 results imported into " + db + ", 1 bad line skipped\n",
			// In days, not "8759h59m45s".
			[]string{"sipprobe: future.jsonl:1: not a sipprobe result: started_at 2099-01-01T00:00:00Z is ", "d ahead of this machine's clock"}, false},
		{"no file", nil, 3, "", []string{"--import needs one or more JSON Lines files"}, false},
		{"a report flag", []string{"--name", "dead", "shard.jsonl"}, 3, "", []string{"--name does not apply with --import"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(dir)
			stdin, err := os.Open(shard)
			must(t, err)
			defer stdin.Close()
			saved := os.Stdin
			os.Stdin = stdin
			defer func() { os.Stdin = saved }()
			code, out, errOut := sipprobe(append([]string{"history", "--import", "--db", db}, tc.args...)...)
			if code != tc.code || out != tc.stdout {
				t.Errorf("exit %d, stdout %q; want %d, %q\nstderr: %s", code, out, tc.code, tc.stdout, errOut)
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tc.noStderr && errOut != "" {
				t.Errorf("stderr: %s", errOut)
			}
		})
	}
	t.Run("the history reports the imported results, text from them made safe", func(t *testing.T) {
		code, out, errOut := sipprobe("history", "--db", db, "--since", "1h")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		for _, want := range []string{"dead ", `evil\x1b[5m`} {
			if !strings.Contains(out, want) {
				t.Errorf("history lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "\x1b[5m") {
			t.Errorf("a raw escape from the imported file reached the terminal:\n%q", out)
		}
		if !strings.Contains(out, "dead ") || !strings.Contains(out, " 2 ") {
			t.Errorf("dead should have its 2 results:\n%s", out)
		}
	})
}
