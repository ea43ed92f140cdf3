package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
)

// The shipped examples, tested as a user would run them.

var (
	passwordFileRE = regexp.MustCompile(`(?m)^\s*password_file\s*=\s*"([^"]+)"`)
	passwordEnvRE  = regexp.MustCompile(`(?m)^\s*password_env\s*=\s*"([^"]+)"`)
	serverRE       = regexp.MustCompile(`(?m)^(\s*server\s*=\s*)"[^"]*"`)
)

// cronLine returns the environment lines and the command of the crontab's
// one job line.
func cronLine(t *testing.T, path string) (env map[string]string, command []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env = map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && !strings.ContainsAny(k, " \t*") {
			env[k] = v
			continue
		}
		if command != nil {
			t.Fatalf("%s: more than one job line", path)
		}
		fields := strings.Fields(line)
		if len(fields) < 6 {
			t.Fatalf("%s: %q is not a cron job line", path, line)
		}
		command = fields[5:]
	}
	if command == nil {
		t.Fatalf("%s: no job line", path)
	}
	return env, command
}

// adaptScenario copies a scenario file into dir with its server replaced
// by addr, writes the password files it names (password) and sets the
// variables of its password_env keys; it returns the copy's path.
func adaptScenario(t *testing.T, path, dir, addr, password string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if addr != "" {
		text = serverRE.ReplaceAllString(text, `${1}"`+addr+`"`)
	}
	for _, m := range passwordFileRE.FindAllStringSubmatch(text, -1) {
		pf := filepath.Join(dir, m[1])
		must(t, os.MkdirAll(filepath.Dir(pf), 0o700))
		must(t, os.WriteFile(pf, []byte(password+"\n"), 0o600))
	}
	for _, m := range passwordEnvRE.FindAllStringSubmatch(text, -1) {
		t.Setenv(m[1], password)
	}
	out := filepath.Join(dir, filepath.Base(path))
	must(t, os.WriteFile(out, []byte(text), 0o600))
	return out
}

// TestCrontabExample runs the crontab's command against the test PBX, with
// the scenario it names replaced by examples/cron/scenarios.toml pointed
// at the PBX, and checks what cron needs from it.
func TestCrontabExample(t *testing.T) {
	env, cmd := cronLine(t, "../../examples/crontab")

	// cron's PATH is /usr/bin:/bin: the binary needs a full path or a PATH line.
	if !filepath.IsAbs(cmd[0]) && env["PATH"] == "" {
		t.Errorf("the job runs %q without a full path or PATH line; cron's PATH does not hold it", cmd[0])
	}
	// Passwords: cron sets no variables, so every password_env needs a
	// line in the crontab.
	scenario, err := os.ReadFile("../../examples/cron/scenarios.toml")
	must(t, err)
	for _, m := range passwordEnvRE.FindAllStringSubmatch(string(scenario), -1) {
		if env[m[1]] == "" {
			t.Errorf("the scenario reads %s, which cron never sets", m[1])
		}
	}
	args := cmd[1:]
	var file, prom string
	for i, a := range args {
		switch {
		case strings.HasSuffix(a, ".toml"):
			file = a
		case a == "--prom-file" && i+1 < len(args):
			prom = args[i+1]
		}
	}
	if file == "" || prom == "" {
		t.Fatalf("job %q: want a scenario file and --prom-file", cmd)
	}
	if got, want := filepath.Dir(prom), "/var/lib/prometheus/node-exporter"; got != want {
		t.Errorf("--prom-file in %s, want Debian's textfile directory %s", got, want)
	}

	addr, _, _ := startPBX(t) // 120/secret
	dir := t.TempDir()
	t.Setenv("SIPPROBE_DB", filepath.Join(dir, "history.db"))
	local := adaptScenario(t, "../../examples/cron/scenarios.toml", dir, addr, "secret")
	localProm := filepath.Join(dir, "sipprobe.prom")
	for i, a := range args {
		switch a {
		case file:
			args[i] = local
		case prom:
			args[i] = localProm
		}
	}

	code, out, stderr := runMain(t, args...)
	if code != 0 {
		t.Fatalf("first run: exit %d (cron would mail this every 5 minutes)\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if out == "" {
		t.Error("first run printed nothing: every probe is new, so cron should mail it once")
	}
	metrics, err := os.ReadFile(localProm)
	if err != nil || !strings.Contains(string(metrics), "sipprobe_") {
		t.Errorf("no metrics for node-exporter: %v\n%s", err, metrics)
	}
	// Nothing changed: nothing printed, so cron sends no mail.
	code, out, stderr = runMain(t, args...)
	if code != 0 || out != "" {
		t.Errorf("second run: exit %d, stdout %q (want 0 and nothing), stderr %q", code, out, stderr)
	}
}

// TestShippedScenariosCheck runs `run --check` on every shipped scenario
// file, copied next to the password files and variables it names.
func TestShippedScenariosCheck(t *testing.T) {
	files, err := filepath.Glob("../../examples/*/*.toml")
	must(t, err)
	files = append(files, "../../scenarios.example.toml")
	for _, path := range files {
		t.Run(strings.TrimPrefix(path, "../../"), func(t *testing.T) {
			local := adaptScenario(t, path, t.TempDir(), "", "x")
			code, out, stderr := runMain(t, "run", "--check", local)
			if code != 0 || !strings.Contains(out, "nothing was sent") {
				t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
			}
		})
	}
}

// sipprobeOnPath puts a `sipprobe` on PATH that runs this test binary as
// the command (TestMain, asSipprobe), for shell lines from the examples.
func sipprobeOnPath(t *testing.T) []string {
	t.Helper()
	self, err := os.Executable()
	must(t, err)
	dir := t.TempDir()
	script := "#!/bin/sh\n" + asSipprobe + "=1 exec '" + self + "' \"$@\"\n"
	must(t, os.WriteFile(filepath.Join(dir, "sipprobe"), []byte(script), 0o700))
	return append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestGitHubActionsWait runs the workflow's wait step: it ends as soon as
// the server answers, and gives up at its bound when it never does.
func TestGitHubActionsWait(t *testing.T) {
	b, err := os.ReadFile("../../examples/github-actions/sip-probes.yml")
	must(t, err)
	if strings.Contains(string(b), "sleep 5") {
		t.Error("the workflow still sleeps instead of probing")
	}
	var wait string
	for _, line := range strings.Split(string(b), "\n") {
		if _, cmd, ok := strings.Cut(line, "run: "); ok && strings.Contains(cmd, "until sipprobe options") {
			wait = cmd
		}
	}
	if wait == "" || !strings.HasPrefix(wait, "timeout ") {
		t.Fatalf("no bounded wait step (timeout N sh -c 'until sipprobe options …') in the workflow")
	}
	addr, _, _ := startPBX(t)
	env := sipprobeOnPath(t)
	tests := []struct {
		name, server, bound string
		want                int
	}{
		{"server up", addr, "", 0},
		{"server never answers", closedUDPPort(t), "timeout 3 ", 124},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.ReplaceAll(wait, "127.0.0.1:5060", tt.server)
			if tt.bound != "" {
				_, rest, _ := strings.Cut(line, " ")
				_, rest, _ = strings.Cut(rest, " ")
				line = tt.bound + rest
			}
			cmd := exec.Command("sh", "-c", line)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.want {
				t.Errorf("%s: exit %d, want %d\n%s", line, code, tt.want, out)
			}
		})
	}
}

// TestNagiosExample: every check command keeps the history (its cool-down
// is the ban protection) and ends inside Nagios's default 60 s
// service_check_timeout: --timeout bounds options and register; an invite
// adds --ring-timeout, --hold and 2 s to end the call.
func TestNagiosExample(t *testing.T) {
	b, err := os.ReadFile("../../examples/nagios.cfg")
	must(t, err)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "command_line") {
			continue
		}
		n++
		fields := strings.Fields(line)
		t.Run(fields[2], func(t *testing.T) {
			if strings.Contains(line, "--no-history") {
				t.Error("--no-history switches off the cool-down that protects against bans")
			}
			flag := func(name string, def time.Duration) time.Duration {
				for i, f := range fields {
					if f == name && i+1 < len(fields) {
						d, err := time.ParseDuration(fields[i+1])
						must(t, err)
						return d
					}
				}
				return def
			}
			bound := flag("--timeout", probe.DefaultTimeout)
			if fields[2] == "invite" {
				bound += flag("--ring-timeout", probe.DefaultRingTimeout) + flag("--hold", probe.DefaultHold) + 2*time.Second
			}
			if bound >= 60*time.Second {
				t.Errorf("can run %s, past Nagios's 60 s check timeout", bound)
			}
		})
	}
	if n == 0 {
		t.Fatal("no command_line in nagios.cfg")
	}
}
