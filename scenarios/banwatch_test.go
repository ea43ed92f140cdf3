package scenarios

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// stepClock is a clock that moves only when told to.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- c.advance(d)
	return ch
}
func (c *stepClock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// banServer is a prober whose server refuses user "bad", answers "good"
// and drops everything to "silent" (another port of the same host). The
// silent probe is diagnosed by the real catalogue from the evidence the
// runner hands it, at its end, as probe.Run does.
type banServer struct {
	clock *stepClock
	// wait, when set, holds the silent probe until it is closed.
	wait chan struct{}
}

func (b *banServer) run(_ context.Context, kind probe.Kind, cfg probe.Config) results.Result {
	r := results.Result{Probe: string(kind), Target: cfg.Target, Transport: "udp", User: cfg.User}
	switch cfg.User {
	case "bad":
		r.Status, r.FinalCode, r.Diagnosis.ID = results.StatusCritical, 403, "wrong-password"
		r.Responses = []results.Response{{Code: 401}, {Code: 403}}
	case "good":
		r.Status, r.FinalCode, r.Diagnosis.ID = results.StatusOK, 200, "ok"
		r.Responses = []results.Response{{Code: 200}}
	default:
		if b.wait != nil {
			<-b.wait
		}
		ex := catalog.Exchange{Method: "OPTIONS", Transport: "udp", Outcome: catalog.OutcomeTimeout, Refusals: cfg.Refusals()}
		r.Diagnosis = catalog.Default().Diagnose(ex, catalog.EN)
		r.Status = results.StatusFromSeverity(r.Diagnosis.Severity)
	}
	return r
}

func banJob(name, user, target string) Job {
	j := Job{Name: name, Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: target, User: user}}
	if user == "bad" || user == "good" {
		j.Kind, j.Config.Password = probe.KindRegister, "pw"
		// Each refusal from its own account, so the in-run ban safety
		// does not skip the repeats.
		j.Account = AccountKey(target, name)
	}
	return j
}

// TestRunnerBanEvidenceOrder: in a run, refusals then an answer from the
// server (any port or transport) then silence is no ban; refusals then
// silence is; refusals that left the window are not either. The silent
// probe's last repetition is judged; its interval moves the clock.
func TestRunnerBanEvidenceOrder(t *testing.T) {
	refusals := []Job{banJob("w1", "bad", "sip:pbx:5060"), banJob("w2", "bad", "sip:pbx:5060;transport=tcp"), banJob("w3", "bad", "sips:pbx")}
	tests := []struct {
		name   string
		jobs   []Job
		sleep  time.Duration // the silent probe's interval before its second run
		want   string
		window time.Duration
	}{
		{"refusals then silence", append(refusals[:3:3], banJob("s", "", "pbx:5070")), 0, "fail2ban-ban", 0},
		{"refusals, an answer, silence", append(refusals[:3:3], banJob("a", "good", "sip:pbx:5060;transport=tcp"), banJob("s", "", "pbx:5070")), 0, "nat-timeout", 0},
		{"an answer before the last refusal does not count", []Job{refusals[0], refusals[1], banJob("a", "good", "pbx"), refusals[2], banJob("s", "", "pbx:5070")}, 0, "fail2ban-ban", 0},
		{"an answer from another host does not count", append(refusals[:3:3], banJob("a", "good", "other"), banJob("s", "", "pbx:5070")), 0, "fail2ban-ban", 0},
		{"two refusals are not enough", append(refusals[:2:2], banJob("s", "", "pbx:5070")), 0, "nat-timeout", 0},
		{"refusals older than the window", append(refusals[:3:3], banJob("s", "", "pbx:5070")), 11 * time.Minute, "nat-timeout", 0},
		{"a longer window keeps them", append(refusals[:3:3], banJob("s", "", "pbx:5070")), 11 * time.Minute, "fail2ban-ban", time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &stepClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.Local)}
			b := &banServer{clock: clk}
			if s := &tc.jobs[len(tc.jobs)-1]; tc.sleep > 0 {
				s.Repeat, s.Interval = 2, tc.sleep
			}
			r := NewRunner(WithParallel(1), WithRateLimit(0), WithProber(b.run), WithClock(clk), WithBanWindow(tc.window))
			got, _ := collect(t, r, context.Background(), jobsOf(tc.jobs...))
			last := got[len(got)-1]
			if last.Name != "s" || last.Diagnosis.ID != tc.want {
				t.Fatalf("%s: %s, want %s; notes %q", last.Name, last.Diagnosis.ID, tc.want, last.Diagnosis.Notes)
			}
			if tc.want != "fail2ban-ban" && len(last.Diagnosis.Notes) == 0 && tc.name != "two refusals are not enough" {
				t.Errorf("no note on the refusals")
			}
		})
	}
}

// TestRunnerBanEvidenceParallel: the evidence is read when the probe is
// diagnosed, so an answer a probe running in parallel got meanwhile
// counts (the reported case: UDP and TCP probes answered 200, the TLS
// probe to a port that does not speak TLS in the same run was called a
// ban on the history's refusals).
func TestRunnerBanEvidenceParallel(t *testing.T) {
	clk := &stepClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.Local)}
	h := &memHistory{last: map[string]results.Status{}, logins: map[string]results.ServerLogins{
		"pbx": {Refused: 7, RefusedRecent: 7, LastRefused: clk.now.Add(-time.Minute), LastAnswer: clk.now.Add(-2 * time.Minute)},
	}}
	for _, tc := range []struct {
		name string
		jobs []Job
		want string
	}{
		// The other probe comes first in the file: results are emitted in
		// file order, and its emission is what lets the silent one end.
		{"answered meanwhile", []Job{banJob("a", "good", "pbx"), banJob("s", "", "sips:pbx:5060")}, "nat-timeout"},
		{"nothing answered", []Job{banJob("o", "good", "other"), banJob("s", "", "sips:pbx:5060")}, "fail2ban-ban"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &banServer{clock: clk, wait: make(chan struct{})}
			r := NewRunner(WithParallel(2), WithRateLimit(0), WithProber(b.run), WithClock(clk), WithHistory(h))
			var silent results.Result
			_, err := r.Run(context.Background(), jobsOf(tc.jobs...), func(ev Event) error {
				if ev.Result.Name == "s" {
					silent = ev.Result
					return nil
				}
				close(b.wait) // the other probe's result is recorded: let the silent one end
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if silent.Diagnosis.ID != tc.want {
				t.Fatalf("silent probe: %s, want %s; notes %q", silent.Diagnosis.ID, tc.want, silent.Diagnosis.Notes)
			}
		})
	}
}

// TestServerLoginsEvidence: how the history's record and the run's own
// events combine.
func TestServerLoginsEvidence(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	w := 10 * time.Minute
	for _, tc := range []struct {
		name string
		s    serverLogins
		want catalog.Refusals
	}{
		{"nothing", serverLogins{}, catalog.Refusals{Window: w}},
		{"history in window, no answer since",
			serverLogins{hist: results.ServerLogins{Refused: 5, RefusedRecent: 3, LastRefused: now.Add(-time.Minute), LastAnswer: now.Add(-2 * time.Minute)}},
			catalog.Refusals{Window: w, InWindow: 3, Earlier: 2, Last: now.Add(-time.Minute)}},
		{"history answered since",
			serverLogins{hist: results.ServerLogins{Refused: 3, RefusedRecent: 3, LastRefused: now.Add(-time.Minute), LastAnswer: now.Add(-time.Second)}},
			catalog.Refusals{Window: w, InWindow: 3, Last: now.Add(-time.Minute), AnsweredAt: now.Add(-time.Second)}},
		{"history left the window",
			serverLogins{hist: results.ServerLogins{Refused: 3, RefusedRecent: 3, LastRefused: now.Add(-11 * time.Minute)}},
			catalog.Refusals{Window: w, Earlier: 3, Last: now.Add(-11 * time.Minute)}},
		{"run answered after history's refusals",
			serverLogins{hist: results.ServerLogins{Refused: 3, RefusedRecent: 3, LastRefused: now.Add(-time.Minute)}, lastAnswer: now.Add(-time.Second)},
			catalog.Refusals{Window: w, InWindow: 3, Last: now.Add(-time.Minute), AnsweredAt: now.Add(-time.Second)}},
		{"run refused after its answer",
			serverLogins{hist: results.ServerLogins{Refused: 2, RefusedRecent: 2, LastRefused: now.Add(-time.Minute)}, refused: []time.Time{now.Add(-time.Second)}, lastAnswer: now.Add(-2 * time.Second)},
			catalog.Refusals{Window: w, InWindow: 3, Last: now.Add(-time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.evidence(now.Add(-w), w, tc.s.recorded()); got != tc.want {
				t.Errorf("evidence = %+v\nwant       %+v", got, tc.want)
			}
		})
	}
}

// TestRunnerBanNoteCountsEarlierRefusals: a dead port of the host gets
// a note on failed logins for refusals that came before it started (a
// negative test's expected refusal too: fail2ban counts it all the same),
// not for one a parallel probe got while it was in flight (the note would
// depend on which probe finished first).
func TestRunnerBanNoteCountsEarlierRefusals(t *testing.T) {
	neg := banJob("neg", "bad", "pbx:5303")
	neg.Expect = results.Expectation{Diagnosis: "wrong-password"}
	for _, tc := range []struct {
		name     string
		jobs     []Job
		parallel bool // the refusal comes while the silent probe is in flight
		notes    bool
	}{
		{"expected refusal before", []Job{neg, banJob("dead", "", "pbx:9")}, false, true},
		{"unexpected refusal before", []Job{banJob("wrong", "bad", "pbx:5303"), banJob("dead", "", "pbx:9")}, false, true},
		{"unexpected refusal in flight", []Job{banJob("wrong", "bad", "pbx:5303"), banJob("dead", "", "pbx:9")}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &stepClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.Local)}
			b := &banServer{clock: clk}
			prober, par := b.run, 1
			release := func() {}
			if tc.parallel {
				// dead starts first; the refusal comes once it has, and
				// dead ends once the refusal is recorded and emitted.
				started, wait := make(chan struct{}), make(chan struct{})
				b.wait, par = wait, 2
				prober = func(ctx context.Context, k probe.Kind, cfg probe.Config) results.Result {
					if cfg.User == "bad" {
						<-started
					} else {
						close(started)
					}
					return b.run(ctx, k, cfg)
				}
				release = func() { close(wait) }
			}
			r := NewRunner(WithParallel(par), WithRateLimit(0), WithProber(prober), WithClock(clk))
			var dead results.Result
			_, err := r.Run(context.Background(), jobsOf(tc.jobs...), func(ev Event) error {
				if ev.Result.Name == "dead" {
					dead = ev.Result
				} else if ev.Result.Name == "wrong" {
					release()
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(dead.Diagnosis.Notes) > 0; got != tc.notes {
				t.Errorf("dead port: notes %q, want a note on refusals: %v", dead.Diagnosis.Notes, tc.notes)
			}
		})
	}
}
