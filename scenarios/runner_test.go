package scenarios

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// fake is a prober that records concurrency and answers by user.
type fake struct {
	delay    time.Duration
	inFlight atomic.Int32
	peak     atomic.Int32
	mu       sync.Mutex
	perAcct  map[string]int // concurrent probes per account, now
	overlap  bool           // two probes of one account at once
	sent     []string       // names of the probes actually sent
	wrong    map[string]bool
	// refusals holds the ban evidence each user's probe read when it was
	// diagnosed (at its end, as probe.Run does).
	refusals map[string]catalog.Refusals
}

func (f *fake) run(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	acct := AccountKey(cfg.Target, cfg.User)
	f.mu.Lock()
	if f.perAcct == nil {
		f.perAcct = map[string]int{}
	}
	f.perAcct[acct]++
	if cfg.Password != "" && f.perAcct[acct] > 1 {
		f.overlap = true
	}
	f.sent = append(f.sent, cfg.User+"/"+cfg.Transport)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.perAcct[acct]--; f.mu.Unlock() }()

	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		// What probe.Run returns when interrupted (issue 8).
		return results.Result{Probe: string(kind), Status: results.StatusUnknown, Diagnosis: catalog.Diagnosis{ID: "canceled", Severity: catalog.SeverityUnknown}}
	}
	if cfg.Refusals != nil {
		ev := cfg.Refusals()
		f.mu.Lock()
		if f.refusals == nil {
			f.refusals = map[string]catalog.Refusals{}
		}
		f.refusals[cfg.User] = ev
		f.mu.Unlock()
	}
	r := results.Result{Probe: string(kind), Target: cfg.Target, User: cfg.User, Transport: cfg.Transport, Status: results.StatusOK, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "ok"}, Timings: results.Timings{Total: 12}}
	if f.wrong[cfg.User] {
		r.Status, r.FinalCode, r.Diagnosis.ID = results.StatusCritical, 403, "wrong-password"
	}
	return r
}

func jobsOf(js ...Job) iter.Seq[Job] { return slices.Values(js) }

func regJob(name, user string) Job {
	return Job{Name: name, Kind: probe.KindRegister, Repeat: 1, Account: AccountKey("pbx", user),
		Config: probe.Config{Target: "pbx", User: user, Password: "pw"}}
}

func collect(t *testing.T, r *Runner, ctx context.Context, jobs iter.Seq[Job]) ([]results.Result, Summary) {
	t.Helper()
	var got []results.Result
	sum, err := r.Run(ctx, jobs, func(ev Event) error { got = append(got, ev.Result); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return got, sum
}

func TestRunnerParallelBound(t *testing.T) {
	for _, n := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("parallel=%d", n), func(t *testing.T) {
			f := &fake{delay: 20 * time.Millisecond}
			var js []Job
			for i := range 24 {
				js = append(js, Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: fmt.Sprint("h", i)}})
			}
			got, sum := collect(t, NewRunner(WithParallel(n), WithRateLimit(0), WithProber(f.run)), context.Background(), jobsOf(js...))
			if len(got) != 24 || sum.Total != 24 || sum.Overall != results.StatusOK {
				t.Fatalf("got %d results, summary %+v", len(got), sum)
			}
			if p := f.peak.Load(); p > int32(n) || (n > 1 && p < 2) {
				t.Errorf("peak concurrency %d with --parallel %d", p, n)
			}
		})
	}
}

func TestRunnerBanSafety(t *testing.T) {
	t.Run("one probe per account at a time", func(t *testing.T) {
		f := &fake{delay: 10 * time.Millisecond}
		var js []Job
		for i := range 6 {
			j := regJob(fmt.Sprint("r", i), "120")
			j.Config.Transport = []string{"udp", "tcp", "tls"}[i%3]
			js = append(js, j, regJob(fmt.Sprint("s", i), fmt.Sprint(200+i)))
		}
		collect(t, NewRunner(WithParallel(6), WithRateLimit(0), WithProber(f.run)), context.Background(), jobsOf(js...))
		if f.overlap {
			t.Error("two authenticated probes of one account ran at once")
		}
		if f.peak.Load() < 2 {
			t.Error("different accounts did not run in parallel")
		}
	})
	t.Run("no credentials after a refusal", func(t *testing.T) {
		f := &fake{wrong: map[string]bool{"120": true}}
		js := []Job{regJob("a", "120"), regJob("b", "120"), regJob("c", "121")}
		js[1].Config.Target = "sip:PBX:5062;transport=tcp" // same host: same account
		js[1].Account = AccountKey(js[1].Config.Target, "120")
		got, sum := collect(t, NewRunner(WithParallel(1), WithRateLimit(0), WithProber(f.run)), context.Background(), jobsOf(js...))
		if slices.Contains(f.sent, "120/tcp") || len(f.sent) != 2 {
			t.Errorf("sent %v: the refused account was tried again", f.sent)
		}
		b := got[1]
		if b.Name != "b" || b.Status != results.StatusCritical || b.Diagnosis.ID != "wrong-password" || b.FinalCode != 0 || len(b.Diagnosis.Notes) == 0 {
			t.Errorf("skipped result %+v", b)
		}
		if CredentialsRejected(b) {
			t.Error("a skipped probe must not count as a new rejection")
		}
		if sum.Overall != results.StatusCritical {
			t.Errorf("overall %s", sum.Overall)
		}
	})
	t.Run("expected refusal does not block the account", func(t *testing.T) {
		f := &fake{wrong: map[string]bool{"120": true}}
		neg := regJob("neg", "120")
		neg.Expect = results.Expectation{Diagnosis: "wrong-password"}
		got, _ := collect(t, NewRunner(WithParallel(1), WithRateLimit(0), WithProber(f.run)), context.Background(), jobsOf(neg, regJob("pos", "120")))
		if got[0].Status != results.StatusOK || !got[0].Expect.Met {
			t.Errorf("negative test %+v", got[0])
		}
		if len(f.sent) != 2 {
			t.Errorf("sent %v", f.sent)
		}
	})
}

// memHistory is a History in memory.
type memHistory struct {
	mu       sync.Mutex
	last     map[string]results.Status
	rejected map[string]bool
	// refusedAt is when every rejected account was refused.
	refusedAt time.Time
	logins    map[string]results.ServerLogins // per host
	saved     []results.Result
}

func (h *memHistory) LastStatus(_ context.Context, name string) (results.Status, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.last[name]
	return s, ok, nil
}
func (h *memHistory) RejectedRecently(_ context.Context, account string, _ time.Time) (time.Time, bool, error) {
	return h.refusedAt, h.rejected[account], nil
}
func (h *memHistory) ServerLogins(_ context.Context, target string, _, _ time.Time) (results.ServerLogins, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.logins[hostOf(target)], nil
}
func (h *memHistory) Save(_ context.Context, _ string, r results.Result) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.saved = append(h.saved, r)
	h.last[r.Name] = r.Status
	return nil
}

func TestRunnerHistory(t *testing.T) {
	h := &memHistory{last: map[string]results.Status{"a": results.StatusOK, "b": results.StatusCritical}, rejected: map[string]bool{AccountKey("pbx", "130"): true}}
	f := &fake{}
	var evs []Event
	r := NewRunner(WithRateLimit(0), WithProber(f.run), WithHistory(h))
	_, err := r.Run(context.Background(), jobsOf(regJob("a", "120"), regJob("b", "121"), regJob("c", "122"), regJob("d", "130")),
		func(ev Event) error { evs = append(evs, ev); return nil })
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for _, ev := range evs {
		changed[ev.Result.Name] = ev.Changed()
	}
	want := map[string]bool{"a": false, "b": true, "c": true, "d": true}
	for k, v := range want {
		if changed[k] != v {
			t.Errorf("%s: changed=%v, want %v", k, changed[k], v)
		}
	}
	if slices.Contains(f.sent, "130/") {
		t.Error("the account refused in an earlier run was tried within the cool-down")
	}
	if len(h.saved) != 4 {
		t.Errorf("saved %d results", len(h.saved))
	}
	t.Run("force", func(t *testing.T) {
		f := &fake{}
		collect(t, NewRunner(WithRateLimit(0), WithProber(f.run), WithHistory(h), WithForce(true)), context.Background(), jobsOf(regJob("d", "130")))
		if len(f.sent) != 1 {
			t.Error("--force did not send")
		}
	})
}

func TestRunnerCancelExactlyOneResult(t *testing.T) {
	f := &fake{delay: time.Second}
	var js []Job
	for i := range 50 {
		js = append(js, Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 2, Interval: time.Millisecond, Config: probe.Config{Target: "h"}})
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	got, sum := collect(t, NewRunner(WithParallel(4), WithRateLimit(0), WithProber(f.run)), ctx, jobsOf(js...))
	if time.Since(start) > 900*time.Millisecond {
		t.Errorf("cancel took %v", time.Since(start))
	}
	if len(got) != 100 {
		t.Fatalf("got %d results, want 100 (50 jobs × 2 repeats)", len(got))
	}
	count := map[string]int{}
	notRun, canceled := 0, 0
	for _, r := range got {
		count[r.Name]++
		if r.Status != results.StatusUnknown || (r.Error == "") != (r.Diagnosis.ID == "canceled") {
			t.Errorf("%s: status %s, diagnosis %s, error %q after cancel", r.Name, r.Status, r.Diagnosis.ID, r.Error)
		}
		switch r.Diagnosis.ID {
		case results.NotRunID:
			notRun++
		case "canceled":
			canceled++
		}
	}
	for name, n := range count {
		if n != 2 {
			t.Errorf("%s: %d results", name, n)
		}
	}
	// The probes in flight (at most --parallel) report themselves as
	// canceled; the runner marks only those it never started.
	if notRun+canceled != 100 || canceled > 4 || sum.Overall != results.StatusUnknown {
		t.Errorf("not run %d, canceled %d, overall %s", notRun, canceled, sum.Overall)
	}
}

func TestRunnerRateLimit(t *testing.T) {
	f := &fake{}
	var js []Job
	for i := range 7 {
		js = append(js, Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: "same"}})
	}
	js = append(js, Job{Name: "other", Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: "other"}})
	start := time.Now()
	// 20 req/s, burst 3: 7 single-request probes need (7-3)/20 s = 200 ms.
	collect(t, NewRunner(WithParallel(8), WithRateLimit(20), WithProber(f.run)), context.Background(), jobsOf(js...))
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Errorf("7 probes to one target at 20/s took %v", el)
	}
}

func TestRunnerEmitErrorStops(t *testing.T) {
	f := &fake{delay: 5 * time.Millisecond}
	var js []Job
	for i := range 20 {
		js = append(js, Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: "h"}})
	}
	calls := 0
	sum, err := NewRunner(WithParallel(2), WithRateLimit(0), WithProber(f.run)).Run(context.Background(), jobsOf(js...), func(Event) error {
		calls++
		return fmt.Errorf("disk full")
	})
	if err == nil || calls != 1 || sum.Total != 20 {
		t.Errorf("err %v, calls %d, total %d", err, calls, sum.Total)
	}
}

func TestAccountKey(t *testing.T) {
	for _, target := range []string{"pbx.example.com", "sip:PBX.example.com:5060;transport=tcp", "sips:pbx.example.com", "pbx.example.com:5070"} {
		if got := AccountKey(target, "120"); got != "120@pbx.example.com" {
			t.Errorf("%s → %s", target, got)
		}
	}
	if got := AccountKey("[2001:db8::1]:5060", "1"); got != "1@2001:db8::1" {
		t.Errorf("v6: %s", got)
	}
}

// TestRunnerCountsLoginFailures: refused logins at a server, from this run
// or the history, reach later probes of that server (any account, negative
// tests included), so their silence reads as a likely fail2ban ban.
func TestRunnerCountsLoginFailures(t *testing.T) {
	on := func(name, user, target string) Job {
		j := regJob(name, user)
		j.Account, j.Config.Target = AccountKey(target, user), target
		return j
	}
	negative := on("neg", "121", "pbx")
	negative.Expect = results.Expectation{Diagnosis: "wrong-password"}
	tests := []struct {
		name   string
		logins map[string]results.ServerLogins // history
		jobs   []Job
		want   map[string]int // refusals in the window each user's probe saw
	}{
		{"nothing refused", nil, []Job{on("a", "120", "pbx"), on("b", "122", "pbx")}, map[string]int{"120": 0, "122": 0}},
		{"refused earlier in the run, other account", nil,
			[]Job{on("w", "121", "pbx"), on("b", "122", "pbx:5070"), on("c", "123", "other")},
			map[string]int{"121": 0, "122": 1, "123": 0}},
		{"negative test counts", nil, []Job{negative, on("b", "122", "sips:pbx")}, map[string]int{"121": 0, "122": 1}},
		{"from the history", map[string]results.ServerLogins{"pbx": {Refused: 3, RefusedRecent: 3, LastRefused: time.Now()}}, []Job{on("a", "120", "pbx"), on("c", "123", "other")}, map[string]int{"120": 3, "123": 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{wrong: map[string]bool{"121": true}}
			h := &memHistory{last: map[string]results.Status{}, logins: tc.logins}
			r := NewRunner(WithRateLimit(0), WithParallel(1), WithProber(f.run), WithHistory(h))
			collect(t, r, context.Background(), jobsOf(tc.jobs...))
			for user, want := range tc.want {
				if got := f.refusals[user].InWindow; got != want {
					t.Errorf("user %s saw %d refusals in the window, want %d", user, got, want)
				}
			}
		})
	}
}
