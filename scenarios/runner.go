package scenarios

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"iter"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// Prober runs one probe; probe.Run in production, a fake in tests. It must
// return a result, also when ctx is canceled: then UNKNOWN with the
// diagnosis canceled, keeping what it saw (results.Observed).
type Prober func(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result

// Defaults of the runner. The rate is per target and counts requests, so
// ten a second is a few authenticated probes: far below what fail2ban or
// Kamailio's pike module treat as an attack.
const (
	DefaultParallel = 4
	DefaultRate     = 10.0
	DefaultCooldown = time.Hour
	// rateBurst lets one probe's requests (at most 3) go out together.
	rateBurst = 3
	// DeadlineMargin is how long before the run's deadline the probes in
	// flight are canceled. A canceled probe still cleans up what it set
	// up, on its own budget of 2 s (BYE of an answered call, un-REGISTER
	// of a --bind), and then the outputs are written and the history
	// saved: 3 s covers both, so "--deadline 55s" ends before Nagios's
	// 60 s check timeout kills the process.
	DeadlineMargin = 3 * time.Second
	// reorderWindow bounds how many jobs may be started beyond the oldest
	// one whose results are not all out yet (see Run).
	reorderWindow = 256
)

// ErrDeadline is the cause of a run stopped by its deadline (WithDeadline).
var ErrDeadline = errors.New("the run's deadline came")

// Runner runs jobs on a bounded worker pool. It holds configuration only;
// every Run has its own state, so one Runner may run several files.
type Runner struct {
	parallel int
	rate     float64
	prober   Prober
	history  History
	clock    Clock
	force    bool
	cooldown time.Duration
	runID    string
	// banWindow is fail2ban's findtime: refusals within it, with no SIP
	// answer since, make silence a likely ban.
	banWindow time.Duration
	deadline  time.Time
	margin    time.Duration
}

// Option configures a Runner.
type Option func(*Runner)

// WithParallel sets how many probes run at once (n < 1 means 1).
func WithParallel(n int) Option { return func(r *Runner) { r.parallel = max(1, n) } }

// WithRateLimit sets the requests per second each target may receive;
// 0 or less removes the limit (for benchmarks against a lab server).
func WithRateLimit(perSecond float64) Option { return func(r *Runner) { r.rate = perSecond } }

// WithProber replaces probe.Run (and the run's link pool).
func WithProber(p Prober) Option { return func(r *Runner) { r.prober = p } }

// WithHistory plugs in the store of past runs; nil is allowed.
func WithHistory(h History) Option { return func(r *Runner) { r.history = h } }

// WithClock replaces the wall clock (timestamps, intervals, rate limit).
func WithClock(c Clock) Option { return func(r *Runner) { r.clock = c } }

// WithForce sends credentials even when the history says they were
// rejected within the cool-down.
func WithForce(force bool) Option { return func(r *Runner) { r.force = force } }

// WithCooldown sets how long an account whose credentials were rejected in
// an earlier run is left alone.
func WithCooldown(d time.Duration) Option { return func(r *Runner) { r.cooldown = d } }

// WithBanWindow sets how recent refused logins must be for silence to be
// taken for a fail2ban ban (its findtime; default 10 min). d <= 0 keeps
// the default.
func WithBanWindow(d time.Duration) Option {
	return func(r *Runner) {
		if d > 0 {
			r.banWindow = d
		}
	}
}

// WithRunID sets the id results are saved under (default: time + random).
func WithRunID(id string) Option { return func(r *Runner) { r.runID = id } }

// WithDeadline makes every Run end by t: DeadlineMargin before it, probes
// in flight are canceled (they come back interrupted, with what they saw)
// and probes not started are reported not run. The zero time means none.
func WithDeadline(t time.Time) Option { return func(r *Runner) { r.deadline = t } }

// NewRunner returns a runner with the defaults above.
func NewRunner(opts ...Option) *Runner {
	r := &Runner{
		parallel:  DefaultParallel,
		rate:      DefaultRate,
		clock:     realClock{},
		cooldown:  DefaultCooldown,
		banWindow: catalog.DefaultBanWindow,
		margin:    DeadlineMargin,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Event is one result as the runner hands it out, with what the history
// knew of the probe's previous status.
type Event struct {
	Result      results.Result
	Previous    results.Status
	HasPrevious bool
	// Sweep: the result is a row of an accounts file, which the outputs
	// read whole summarise; the file's other entries are ordinary rows.
	Sweep bool
}

// Changed reports whether the status differs from the previous run's; a
// probe never seen before counts as changed (--notify-on-change).
func (e Event) Changed() bool { return !e.HasPrevious || e.Previous != e.Result.Status }

// Summary is what a run did.
type Summary struct {
	RunID   string
	Started time.Time
	Elapsed time.Duration
	Total   int
	Counts  map[results.Status]int
	Overall results.Status // UNKNOWN when nothing ran
	// HistoryErrors are failures of the history store; they do not stop
	// the run (the in-run ban safety does not depend on it).
	HistoryErrors []error
	// DeadlineReached: the deadline cut the run short.
	DeadlineReached bool
	// BanStops are the servers a sweep stopped sending to (sweepguard.go).
	BanStops []BanStop
}

// Run runs jobs and calls emit once per result, from the caller's
// goroutine, in the order of jobs (each job's repetitions in order),
// whatever order they finish in: the table, JUnit, Nagios perfdata and JSON
// Lines are the same from run to run. At most parallel probes run at once.
//
// Results that finish before an earlier one wait in a reorder buffer and
// leave it as soon as every earlier result is out, so in the common case
// (probes of similar length) it holds about parallel results. A slow probe
// holds back the results after it; to keep memory bounded even then
// (results with transcripts are kilobytes each), no job starts more than
// reorderWindow jobs after the oldest unfinished one, which slows a run
// only when one probe lags that far behind.
//
// When ctx is canceled or the deadline comes, probes in flight see the
// cancellation and every job not yet started yields a "not run" result:
// each job repetition yields exactly one result. If emit fails, the run is
// canceled the same way and the first emit error is returned.
func (r *Runner) Run(ctx context.Context, jobs iter.Seq[Job], emit func(Event) error) (Summary, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	st := &runState{Runner: r, acc: newAccounts(), lim: newLimiters(r.rate, rateBurst, r.clock)}
	if r.prober == nil {
		// The run's REGISTER and OPTIONS probes over UDP share one socket
		// and sipgo user agent per server (probe.LinkPool): a sweep of
		// thousands of accounts costs a third of the CPU. Close waits for
		// nothing: every probe has returned when Run does.
		st.pool = probe.NewLinkPool()
		defer st.pool.Close()
	}
	sum := Summary{RunID: r.runID, Started: r.clock.Now(), Counts: map[results.Status]int{}}
	if sum.RunID == "" {
		sum.RunID = newRunID(sum.Started)
	}
	if !r.deadline.IsZero() {
		cut := r.deadline.Add(-r.margin).Sub(sum.Started)
		go func() {
			select {
			case <-r.clock.After(cut):
				cancel(ErrDeadline)
			case <-ctx.Done():
			}
		}()
	}

	out := make(chan done, r.parallel)
	todo := make(chan queued)
	// window holds a token per job started and not yet fully emitted.
	window := make(chan struct{}, max(reorderWindow, 4*r.parallel))
	var workers sync.WaitGroup
	for range r.parallel {
		workers.Go(func() {
			for q := range todo {
				st.runJob(ctx, q.job, q.seq, out)
			}
		})
	}
	go func() {
		seq := 0
		for j := range jobs {
			window <- struct{}{}
			select {
			case todo <- queued{j, seq}:
			case <-ctx.Done():
				st.notRunAll(ctx, j, 0, seq, out)
			}
			seq += max(1, j.Repeat)
		}
		close(todo)
		workers.Wait()
		close(out)
	}()

	var emitErr error
	// History I/O outlives a Ctrl-C: what was done is stored.
	hctx := context.WithoutCancel(ctx)
	pending := map[int]done{}
	next := 0
	for d := range out {
		pending[d.seq] = d
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if d.last {
				<-window
			}
			res := d.res
			ev := Event{Result: res, Sweep: d.sweep}
			if r.history != nil {
				prev, ok, err := r.history.LastStatus(hctx, res.Name)
				st.historyErr(err)
				ev.Previous, ev.HasPrevious = prev, ok && err == nil
				st.historyErr(r.history.Save(hctx, sum.RunID, res))
			}
			sum.Total++
			sum.Counts[res.Status]++
			if emitErr == nil {
				if emitErr = emit(ev); emitErr != nil {
					cancel(nil)
				}
			}
		}
	}
	sum.Elapsed = r.clock.Now().Sub(sum.Started)
	sum.Overall = overall(sum.Counts)
	sum.HistoryErrors = st.herrs
	sum.DeadlineReached = errors.Is(context.Cause(ctx), ErrDeadline)
	sum.BanStops = st.banStops()
	return sum, emitErr
}

// queued is a job and the sequence number of its first result.
type queued struct {
	job Job
	seq int
}

// done is one result and its place in the order of the file; last marks a
// job's final repetition, sweep a row of an accounts file (Event.Sweep).
type done struct {
	res   results.Result
	seq   int
	last  bool
	sweep bool
}

func overall(counts map[results.Status]int) results.Status {
	worst := results.StatusUnknown
	first := true
	for s, n := range counts {
		if n == 0 {
			continue
		}
		if first || s.Worse(worst) {
			worst, first = s, false
		}
	}
	return worst
}

func newRunID(t time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// runState is the mutable state of one Run.
type runState struct {
	*Runner
	acc *accounts
	lim *limiters
	// pool is the run's shared links (nil in a Session and with a fake
	// prober).
	pool *probe.LinkPool

	mu    sync.Mutex
	herrs []error
	// onHistErr, when set, receives every history error instead of herrs
	// (a Session has no summary to report them in).
	onHistErr func(error)
	// session: the state of a Session, not of one run (wording of skips).
	session bool
	// guard stops a sweep at a server that fell silent after refusals.
	guard sweepGuard
	// servers holds, per server host, the refused logins and SIP answers
	// of the history and of this run (banwatch.go).
	servers map[string]*serverLogins
}

const maxHistoryErrors = 5

func (st *runState) historyErr(err error) {
	if err == nil {
		return
	}
	if st.onHistErr != nil {
		st.onHistErr(err)
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.herrs) < maxHistoryErrors {
		st.herrs = append(st.herrs, err)
	}
}

// runJob runs the repetitions of j, spaced by its interval.
func (st *runState) runJob(ctx context.Context, j Job, seq int, out chan<- done) {
	n := max(1, j.Repeat)
	for i := range n {
		if i > 0 && j.Interval > 0 {
			select {
			case <-st.clock.After(j.Interval):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			st.notRunAll(ctx, j, i, seq, out)
			return
		}
		out <- done{st.once(ctx, j), seq + i, i == n-1, j.Sweep}
	}
}

// notRunAll reports repetitions from..Repeat of j as not run.
func (st *runState) notRunAll(ctx context.Context, j Job, from, seq int, out chan<- done) {
	why := stopped(ctx) + " before this probe started"
	n := max(1, j.Repeat)
	for i := from; i < n; i++ {
		out <- done{notRun(j, st.clock.Now(), why), seq + i, i == n-1, j.Sweep}
	}
}

// stopped says why ctx ended: the deadline or an interruption.
func stopped(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), ErrDeadline) {
		return "the run's deadline came"
	}
	return "the run was interrupted"
}

// once runs one repetition under the ban-safety rules.
func (st *runState) once(ctx context.Context, j Job) results.Result {
	if j.Account != "" {
		if res, skip := st.banned(ctx, j); skip {
			return res
		}
		release, err := st.acc.acquire(ctx, j.Account)
		if err != nil {
			return notRun(j, st.clock.Now(), stopped(ctx)+" while another probe used the same account")
		}
		defer release()
		// Another probe of this account may have been refused while we waited.
		if by, ok := st.acc.rejectedBy(j.Account); ok {
			return st.skippedRejected(j, st.clock.Now(), by)
		}
	}
	// Per server host: every port and spelling of one box shares its
	// budget, as fail2ban counts per address. A sweep checks for a ban
	// before and after the wait: rows of a stopped server must not wait
	// for tokens, and a stop may come while this row waited.
	if res, stop := st.sweepStopped(j); stop {
		return res
	}
	if err := st.lim.wait(ctx, hostOf(j.Config.Target), requestsOf(j)); err != nil {
		return notRun(j, st.clock.Now(), stopped(ctx)+" while waiting for the rate limit")
	}
	if res, stop := st.sweepStopped(j); stop {
		return res
	}
	cfg := j.Config
	cfg.Refusals = st.refusalsOf(ctx, cfg.Target)
	res := st.probe(ctx, j.Kind, cfg)
	if j.Sweep {
		st.noteSweep(ctx, res)
	}
	res = identify(res, j)
	res = j.Expect.Judge(res, catalog.Default(), j.Config.Lang)
	st.noteLogin(res)
	if j.Account != "" && CredentialsRejected(res) {
		st.acc.reject(j.Account, j.Name)
	}
	return res
}

// banned decides whether j must not send credentials: they were refused
// earlier in this run, or (unless --force) in a run within the cool-down.
func (st *runState) banned(ctx context.Context, j Job) (results.Result, bool) {
	now := st.clock.Now()
	if by, ok := st.acc.rejectedBy(j.Account); ok {
		return st.skippedRejected(j, now, by), true
	}
	if st.history == nil || st.force || st.acc.takeRetry(j) {
		return results.Result{}, false
	}
	at, rej, err := st.history.RejectedRecently(context.WithoutCancel(ctx), j.Account, now.Add(-st.cooldown))
	st.historyErr(err)
	if err == nil && rej {
		return skippedCooldown(j, now, at, st.cooldown), true
	}
	return results.Result{}, false
}

// probe runs one probe: the runner's prober if one was given (tests),
// else probe.Run, through the run's link pool when it has one.
func (st *runState) probe(ctx context.Context, k probe.Kind, cfg probe.Config) results.Result {
	switch {
	case st.prober != nil:
		return st.prober(ctx, k, cfg)
	case st.pool != nil:
		return probe.Run(ctx, k, cfg, probe.WithLinkPool(st.pool))
	}
	return probe.Run(ctx, k, cfg)
}
