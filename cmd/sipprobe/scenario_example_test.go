package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestScenarioExampleFirstCommands runs the commands the header of
// scenarios.example.toml suggests (its "#   " lines), as written, in a
// directory holding only a copy of the file: the first command a new user
// copies must work out of the box.
func TestScenarioExampleFirstCommands(t *testing.T) {
	b, err := os.ReadFile("../../scenarios.example.toml")
	must(t, err)
	var lines []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "#") {
			break // the header ends at the first key or blank line
		}
		if cmd, ok := strings.CutPrefix(line, "#   "); ok {
			lines = append(lines, cmd)
		}
	}
	if len(lines) == 0 || !strings.Contains(lines[len(lines)-1], "sipprobe run --check scenarios.example.toml") {
		t.Fatalf("the header suggests %q, want it to end with sipprobe run --check scenarios.example.toml", lines)
	}
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "scenarios.example.toml"), b, 0o644))
	env := sipprobeOnPath(t)
	for _, name := range []string{"PBX_120_PASSWORD", "PBX_WRONG_PASSWORD"} {
		env = append(env, name+"=") // unset for the test: the lines must set them
	}
	env = append(env, "XDG_STATE_HOME="+t.TempDir())
	cmd := exec.Command("sh", "-ec", strings.Join(lines, "\n"))
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "nothing was sent") {
		t.Errorf("%s\n%v\n%s", strings.Join(lines, "\n"), err, out)
	}
}

// TestMissingPasswordFileNamedResolved: a password_file is relative to
// the scenario file, so the error names it there, not relative to
// wherever the user happens to be.
func TestMissingPasswordFileNamedResolved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.toml")
	doc := "[[probe]]\nname = \"reg\"\nkind = \"register\"\nserver = \"127.0.0.1\"\nuser = \"121\"\npassword_file = \"secrets/121.txt\"\n" +
		"[[probe]]\nname = \"rx\"\nkind = \"receive\"\nserver = \"127.0.0.1\"\nuser = \"122\"\nfrom_user = \"123\"\nfrom_password_file = \"secrets/123.txt\"\n"
	must(t, os.WriteFile(path, []byte(doc), 0o600))
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	code, _, stderr := runMain(t, "run", "--check", path)
	for _, want := range []string{
		"password_file: cannot read " + filepath.Join(dir, "secrets", "121.txt") + ":",
		"from_password_file: cannot read " + filepath.Join(dir, "secrets", "123.txt") + ":",
	} {
		if code != 3 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q; want 3 and %q", code, stderr, want)
		}
	}
}
