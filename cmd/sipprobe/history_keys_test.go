package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// seedSweeps writes what a new user had: one accounts file swept against
// Kamailio over UDP, over TCP and against a dead port (rows named by user,
// 120), an entry fanned out over two transports (alive/udp, alive/tcp),
// and a probe whose runs were unknown or held back by the ban cool-down.
func seedSweeps(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sweep.db")
	s, err := history.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	r := func(name, target, transport string, ago time.Duration, st results.Status, code int, diag string) results.Result {
		return results.Result{Name: name, Probe: "register", Target: target, Transport: transport, User: "120",
			StartedAt: now.Add(-ago), Status: st, FinalCode: code, Diagnosis: catalog.Diagnosis{ID: diag},
			Timings: results.Timings{Total: 2}}
	}
	notSent := r("reg", "sip:127.0.0.1:5060", "udp", time.Minute, results.StatusCritical, 403, "wrong-password")
	notSent.NotSent = &results.NotSent{Reason: results.NotSentCooldown, Until: now.Add(time.Hour)}
	for _, x := range []results.Result{
		r("120", "sip:127.0.0.1:5060", "udp", 3*time.Minute, results.StatusOK, 200, "ok"),
		r("120", "sip:127.0.0.1:5060", "tcp", 2*time.Minute, results.StatusOK, 200, "ok"),
		r("120", "sip:127.0.0.1:9", "udp", time.Minute, results.StatusCritical, 0, "port-unreachable"),
		r("alive/udp", "sip:127.0.0.1:5060", "udp", time.Minute, results.StatusOK, 200, "ok"),
		r("alive/tcp", "sip:127.0.0.1:5060", "tcp", time.Minute, results.StatusCritical, 0, "timeout"),
		r("reg", "sip:127.0.0.1:5060", "udp", 4*time.Minute, results.StatusCritical, 403, "wrong-password"),
		r("reg", "sip:127.0.0.1:5060", "udp", 3*time.Minute, results.StatusUnknown, 0, "internal-error"),
		r("reg", "sip:127.0.0.1:5060", "udp", 2*time.Minute, results.StatusUnknown, 0, "internal-error"),
		notSent,
	} {
		if err := s.Save(context.Background(), "run", x); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestHistoryCommandKeys(t *testing.T) {
	db := seedSweeps(t)
	tests := []struct {
		name   string
		args   []string
		want   []string // each in the output
		reject []string // none in the output
	}{
		{"the table tells the three sweeps apart", []string{},
			[]string{
				"120 → sip:127.0.0.1:5060 (tcp)  OK ",
				"120 → sip:127.0.0.1:5060 (udp)  OK ",
				"120 → sip:127.0.0.1:9 (udp)     CRITICAL ",
			},
			[]string{"66.7%"}},
		{"a name with one row stays short", []string{},
			[]string{"\nalive/tcp ", "\nalive/udp ", "\nreg "}, []string{"alive/udp →", "reg →"}},
		{"--name lists each target's block", []string{"--name", "120"},
			[]string{"120 — register 120 → sip:127.0.0.1:9 (udp)\nStatus:       CRITICAL", "120 — register 120 → sip:127.0.0.1:5060 (tcp)\nStatus:       OK"},
			[]string{"66.7%", "of 3 results"}},
		{"--name of a fanned-out entry", []string{"--name", "alive"},
			[]string{"alive/tcp — register", "alive/udp — register"}, nil},
		{"unknown and not-sent results are said not to count", []string{"--name", "reg"},
			[]string{"(0 of 1 results ok or warning; not counted: 2 unknown, 1 not sent)", "(not sent)"}, nil},
		{"the same in Russian", []string{"--name", "reg", "--lang", "ru"},
			[]string{"(0 из 1 результатов ок или с предупреждением; не учтено: статус неизвестен — 2, не отправлено — 1)", "(не отправлено)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"history", "--db", db}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, r := range tt.reject {
				if strings.Contains(out, r) {
					t.Errorf("output has %q:\n%s", r, out)
				}
			}
		})
	}
	t.Run("--name of neither an entry nor a probe", func(t *testing.T) {
		code, _, errOut := runCLI(t, "history", "--db", db, "--name", "aliv")
		if code != 3 || !strings.Contains(errOut, `no results for probe "aliv" (nor aliv/…)`) {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	})
}
