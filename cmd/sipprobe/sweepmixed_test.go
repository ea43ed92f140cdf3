package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// TestMixedSweepAgainstKamailio: a scenario file with an accounts entry
// and ordinary entries against a real Kamailio. The ordinary entries are
// reported as `run` reports them without accounts (a row, a testcase, a
// Nagios name, a series each); the accounts entry is summarised; one
// status and one exit code cover both.
func TestMixedSweepAgainstKamailio(t *testing.T) {
	kam := kamailio.Start(t, kamailio.WithAccounts(sweepAccounts(7)))
	dir := t.TempDir()
	// Six rows, the third and sixth with a wrong password: 4 OK, 2 refused;
	// neg refuses u0006, an account the sweep leaves alone (a refusal stops
	// every later probe of its account in the run).
	writeAccounts(t, filepath.Join(dir, "acc.csv"), 6, 3, 0, 0o600)
	t.Setenv("MIXED_PW", "wrong")
	scen := filepath.Join(dir, "mixed.toml")
	must(t, os.WriteFile(scen, fmt.Appendf(nil, `[defaults]
server = %q
domain = %q
timeout = "2s"

[[probe]]
name = "neg"
kind = "register"
user = "u0006"
password_env = "MIXED_PW"
expect.diagnosis = "wrong-password"

[[probe]]
name = "alive"
kind = "options"

[[probe]]
name = "mig"
kind = "register"
accounts = "acc.csv"

[[probe]]
name = "dead"
kind = "options"
server = %q
no_fallback = true
`, kam.Addr("udp"), kam.Realm, closedUDPPort(t)), 0o600))

	t.Run("text: ordinary rows, the sweep summary, one status line", func(t *testing.T) {
		r := runSweep(t, "run", scen, "--max-rows", "1")
		if r.code != 2 {
			t.Errorf("exit %d, want 2 (dead and two refused accounts)\n%s", r.code, r.stderr)
		}
		for _, row := range []struct{ name, status, diag string }{
			{"neg", "OK", "wrong-password"},
			{"alive", "OK", "ok"},
			{"dead", "CRITICAL", "port-unreachable"},
		} {
			re := regexp.MustCompile(`(?m)^` + row.name + `\s+\S+\s+udp\s+` + row.status + `\s+\S+\s+` + row.diag + `\s`)
			if !re.MatchString(r.stdout) {
				t.Errorf("no row %s %s %s:\n%s", row.name, row.status, row.diag, r.stdout)
			}
		}
		for _, want := range []string{
			"Results by diagnosis:\n",
			"       4  OK        ok\n",
			"       2  CRITICAL  wrong-password\n",
			"… 1 more failures not shown (--max-rows 1)",
			"\n9 probes: 6 ok, 3 critical — CRITICAL in ",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Index(r.stdout, "Results by diagnosis:") < strings.Index(r.stdout, "dead ") {
			t.Errorf("the sweep summary comes before the ordinary rows:\n%s", r.stdout)
		}
	})

	t.Run("nagios: failing probes named, the sweep counted", func(t *testing.T) {
		r := runSweep(t, "run", scen, "-o", "nagios", "--max-rows", "1")
		for _, want := range []string{
			"SIPPROBE CRITICAL - 2 of 3 probes OK: dead port-unreachable; 4 of 6 accounts OK: wrong-password 2 | ",
			"'alive_time'=",
			"'critical_wrong-password'=2;",
			"\nCRITICAL dead: port-unreachable",
			"\nCRITICAL mig/u0002: wrong-password",
			"\n… and 1 more not OK (--max-rows 1)\n",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
	})

	t.Run("junit: a testcase per ordinary probe", func(t *testing.T) {
		r := runSweep(t, "run", scen, "-o", "junit", "--max-rows", "1")
		for _, want := range []string{
			`tests="9" failures="3"`,
			`<testcase name="neg"`,
			`<testcase name="alive"`,
			`<testcase name="dead"`,
			`<testcase name="4 accounts OK"`,
			`<testcase name="1 more failures"`,
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
	})

	t.Run("prom: a series per ordinary probe, the sweep's by diagnosis", func(t *testing.T) {
		r := runSweep(t, "run", scen, "-o", "prom")
		for _, want := range []string{
			`sipprobe_probe_success{kind="options",name="alive",`,
			`sipprobe_probe_status{kind="options",name="dead",`,
			`sipprobe_sweep_results{diagnosis="wrong-password",status="critical"} 2`,
			"sipprobe_sweep_accounts 6\n",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, `name="mig/`) {
			t.Errorf("a series per account:\n%s", r.stdout)
		}
		if n := strings.Count(r.stdout, "# TYPE sipprobe_last_run_timestamp_seconds"); n != 1 {
			t.Errorf("%d timestamp metrics, want 1:\n%s", n, r.stdout)
		}
	})
}
