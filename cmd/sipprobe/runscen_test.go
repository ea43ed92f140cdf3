package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results"
)

// TestRunOnlyDeadlineUsage: --only and --deadline are checked before
// anything is sent.
func TestRunOnlyDeadlineUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.toml")
	must(t, os.WriteFile(path, []byte("[defaults]\nserver='127.0.0.1:1'\n[[probe]]\nname='alive'\nkind='options'\ntransports=['udp','tcp']\n[[probe]]\nname='other'\nkind='options'\n"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"only one probe", []string{"run", "--check", "--only", "other", path}, 0, "OK, 1 probe, 1 result per run"},
		{"only a fan-out base", []string{"run", "--check", "--only", "alive", path}, 0, "OK, 1 probe, 2 results per run"},
		{"only one transport, comma list", []string{"run", "--check", "--only", "alive/tcp,other", path}, 0, "OK, 2 probes, 2 results per run"},
		{"only unknown", []string{"run", "--check", "--only", "alve", path}, 3, `--only: no such probe "alve" in ` + path + ` (did you mean "alive"?)`},
		{"only empty", []string{"run", "--check", "--only", "", path}, 3, "--only: no probe name given"},
		{"deadline shorter than the margin", []string{"run", "--deadline", "2s", path}, 3, "--deadline 2s: want more than 3s"},
		{"negative deadline", []string{"run", "--deadline", "-5s", path}, 3, "--deadline -5s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runMain(t, tc.args...)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) {
				t.Errorf("exit %d, want %d and %q; output:\n%s%s", code, tc.code, tc.want, out, stderr)
			}
		})
	}
	t.Run("env", func(t *testing.T) {
		t.Setenv("SIPPROBE_ONLY", "other")
		if code, out, _ := runMain(t, "run", "--check", path); code != 0 || !strings.Contains(out, "1 probe,") {
			t.Errorf("SIPPROBE_ONLY: exit %d, %s", code, out)
		}
	})
}

// TestRunClearTextPasswordMode: a clear-text password is refused unless
// the file is mode 0600 or stricter, and the error says how to fix it.
func TestRunClearTextPasswordMode(t *testing.T) {
	doc := "[[probe]]\nname='neg'\nkind='register'\nserver='127.0.0.1:1'\nuser='120'\npassword='Wr0ng-Pa55'\nexpect={diagnosis='wrong-password'}\n"
	for _, tc := range []struct {
		mode os.FileMode
		code int
		want string
	}{
		{0o600, 0, "OK, 1 probe,"},
		{0o400, 0, "OK, 1 probe,"},
		{0o640, 3, "password in clear text needs the file to be mode 0600 (chmod 600 "},
		{0o644, 3, "or use password_env/password_file"},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "neg.toml")
			must(t, os.WriteFile(path, []byte(doc), 0o600))
			must(t, os.Chmod(path, tc.mode))
			code, out, stderr := runMain(t, "run", "--check", path)
			if code != tc.code || !strings.Contains(out+stderr, tc.want) {
				t.Errorf("exit %d, want %d and %q; output:\n%s%s", code, tc.code, tc.want, out, stderr)
			}
			if strings.Contains(out+stderr, "Wr0ng-Pa55") {
				t.Error("the password appears in the output")
			}
		})
	}
}

// TestRunDeadline: a server that never answers, a probe timeout far beyond
// the deadline: the run ends at the deadline with every result accounted
// for, the probe in flight canceled and the others not run; exit UNKNOWN.
func TestRunDeadline(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	must(t, err)
	defer silent.Close()
	go func() {
		buf := make([]byte, 65535)
		for {
			if _, _, err := silent.ReadFrom(buf); errors.Is(err, net.ErrClosed) {
				return
			}
		}
	}()
	dir := t.TempDir()
	path := filepath.Join(dir, "slow.toml")
	doc := fmt.Sprintf("[defaults]\nserver=%q\ntransport='udp'\ntimeout='60s'\nno_fallback=true\n", silent.LocalAddr().String())
	for _, n := range []string{"s1", "s2", "s3"} {
		doc += fmt.Sprintf("[[probe]]\nname=%q\nkind='options'\n", n)
	}
	must(t, os.WriteFile(path, []byte(doc), 0o600))
	jsonl := filepath.Join(dir, "r.jsonl")
	code, out, stderr := runMain(t, "run", path, "--parallel", "1", "--deadline", "3200ms", "--no-history", "--json", jsonl, "-o", "nagios")
	t.Logf("%s%s", out, stderr)
	if code != 3 {
		t.Errorf("exit %d, want 3 (UNKNOWN: not everything could be checked)", code)
	}
	if !strings.Contains(stderr, "--deadline 3.2s reached") {
		t.Errorf("stderr does not say the deadline came: %s", stderr)
	}
	rs := readJSONL(t, jsonl)
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
		if r.Status != results.StatusUnknown {
			t.Errorf("%s: status %s", r.Name, r.Status)
		}
	}
	if !slices.Equal(names, []string{"s1", "s2", "s3"}) {
		t.Fatalf("results %v, want s1 s2 s3 in file order", names)
	}
	for _, r := range rs[1:] {
		if r.Diagnosis.ID != results.NotRunID || !strings.Contains(r.Error, "deadline") {
			t.Errorf("%s: %s %q, want not run because of the deadline", r.Name, r.Diagnosis.ID, r.Error)
		}
	}
	if strings.Contains(rs[0].Error, "before this probe started") {
		t.Errorf("s1 was in flight, not unstarted: %q", rs[0].Error)
	}
}

// TestRunClearTextPasswordAgainstPBX: a scenario file in mode 0600 with
// clear-text passwords, one of them deliberately wrong for a negative
// test, runs against a real PBX with no environment variable; results
// come in file order and no output (text, JSON, JUnit, history) holds a
// password.
func TestRunClearTextPasswordAgainstPBX(t *testing.T) {
	const good, wrong = "Corr3ct-Pa55-e2e", "Wr0ng-Pa55-e2e"
	pbx, err := testpbx.New(testpbx.WithRealm("scen.test"), testpbx.WithAccount("120", good))
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	must(t, pbx.Start(ctx))
	defer pbx.Close()

	dir := t.TempDir()
	path := filepath.Join(dir, "office.toml")
	doc := fmt.Sprintf(`
[defaults]
server = %q
timeout = "2s"
user = "120"
expect = { max_ms = 1500 }

[[probe]]
name = "alive"
kind = "options"

[[probe]]
name = "reg-120"
kind = "register"
password = %q

[[probe]]
name = "wrong-password-refused"
kind = "register"
password = %q
expect = { diagnosis = "wrong-password" }
`, pbx.Addr("udp"), good, wrong)
	must(t, os.WriteFile(path, []byte(doc), 0o600))
	t.Setenv("SIPPROBE_PASSWORD", "")
	jsonl, junit, db := filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "h.db")
	code, out, stderr := runMain(t, "run", path, "--db", db, "--json", jsonl, "--junit", junit, "--parallel", "3")
	t.Logf("%s%s", out, stderr)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (the refusal was expected)", code)
	}
	rs := readJSONL(t, jsonl)
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	if !slices.Equal(names, []string{"alive", "reg-120", "wrong-password-refused"}) {
		t.Errorf("results %v, want file order", names)
	}
	if len(rs) == 3 && (rs[2].Status != results.StatusOK || rs[2].FinalCode == 0 || rs[2].Expect == nil || !rs[2].Expect.Met) {
		t.Errorf("negative test: %+v", rs[2])
	}
	everything := out + stderr
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if f == path {
			continue
		}
		b, err := os.ReadFile(f)
		must(t, err)
		everything += string(b)
	}
	for _, secret := range []string{good, wrong} {
		if strings.Contains(everything, secret) {
			t.Errorf("a password appears in the outputs or the history")
		}
	}
	// The history was written (so the check above looked at it).
	if st, err := os.Stat(db); err != nil || st.Size() == 0 {
		t.Errorf("no history: %v", err)
	}
}
