package agent

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

// Defaults of the agent.
const (
	// DefaultMaxInFlight bounds the /probe requests running at once; more
	// are answered 503 at once. A scrape storm then costs a bounded number
	// of goroutines and sockets, and the ban-safety rules still apply to
	// the ones that run.
	DefaultMaxInFlight = 16
	// DefaultDrainTimeout bounds how long a SIGTERM waits for the probes in
	// flight, which are canceled at once and clean up on their own budget
	// (2 s: BYE, un-REGISTER); then the history is flushed.
	DefaultDrainTimeout = 10 * time.Second
	// scrapeMargin is taken off Prometheus's scrape timeout so the answer
	// reaches Prometheus before it gives up.
	scrapeMargin = 500 * time.Millisecond
)

// Store is what the agent needs of the results history
// (*results/history.Store).
type Store interface {
	scenarios.History
	Prune(ctx context.Context, before time.Time) (int64, error)
	Summaries(ctx context.Context, q history.Query) ([]history.Summary, error)
}

// Agent is `sipprobe serve`. It is safe for concurrent use.
type Agent struct {
	log         *slog.Logger
	loadOpts    []scenarios.LoadOption
	runnerOpts  []scenarios.Option
	seed        uint64
	maxInFlight int
	drain       time.Duration
	userAgent   string
	listen      string // --listen; wins over the file
	historyPath string // --db; wins over the file
	lifecycle   bool   // --web.enable-lifecycle: POST /-/reload
	store       Store
	ownStore    bool

	metrics *metrics
	session *scenarios.Session
	runID   string
	last    *lastResults

	// probeCtx is the parent of every probe; canceled at drain.
	probeCtx    context.Context
	cancelProbe context.CancelFunc
	inFlight    *inFlight
	slots       chan struct{} // /probe concurrency bound
	running     sync.Map      // names of scheduled jobs in flight
	ready       atomic.Bool

	mu    sync.Mutex // guards cfg and sched
	cfg   *Config
	sched *scheduler
}

// Option configures an Agent.
type Option func(*Agent)

// WithLogger sets the structured logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(a *Agent) { a.log = l } }

// WithLoadOptions passes options to the scenario loader (tests: environment).
func WithLoadOptions(opts ...scenarios.LoadOption) Option {
	return func(a *Agent) { a.loadOpts = append(a.loadOpts, opts...) }
}

// WithRunnerOptions passes options to the runner whose ban-safety rules
// the agent applies (rate, cool-down, a fake prober in tests).
func WithRunnerOptions(opts ...scenarios.Option) Option {
	return func(a *Agent) { a.runnerOpts = append(a.runnerOpts, opts...) }
}

// WithStore replaces the history the configuration names.
func WithStore(s Store) Option { return func(a *Agent) { a.store = s } }

// WithSeed fixes the seed of the schedule's jitter (default: random).
func WithSeed(seed uint64) Option { return func(a *Agent) { a.seed = seed } }

// WithMaxInFlight bounds concurrent /probe requests (n < 1 means 1).
func WithMaxInFlight(n int) Option { return func(a *Agent) { a.maxInFlight = max(1, n) } }

// WithDrainTimeout bounds the wait for probes in flight at shutdown.
func WithDrainTimeout(d time.Duration) Option { return func(a *Agent) { a.drain = d } }

// WithUserAgent sets the User-Agent of probes whose entry sets none.
func WithUserAgent(ua string) Option { return func(a *Agent) { a.userAgent = ua } }

// WithListen overrides the file's listen address (--listen).
func WithListen(addr string) Option { return func(a *Agent) { a.listen = addr } }

// WithHistoryPath overrides the file's history path (--db).
func WithHistoryPath(p string) Option { return func(a *Agent) { a.historyPath = p } }

// WithLifecycle enables POST /-/reload (--web.enable-lifecycle). It is off
// by default, as in Prometheus: without a web configuration the HTTP side
// has no authentication, and a reload is not for anyone who can reach the
// port. SIGHUP always reloads.
func WithLifecycle(on bool) Option { return func(a *Agent) { a.lifecycle = on } }

// New loads the configuration at path and opens the history. Nothing is
// sent until Run.
func New(path string, opts ...Option) (*Agent, error) {
	a := &Agent{
		log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		maxInFlight: DefaultMaxInFlight,
		drain:       DefaultDrainTimeout,
		metrics:     newMetrics(),
		last:        newLastResults(),
		inFlight:    newInFlight(),
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	a.seed = binary.LittleEndian.Uint64(b[:])
	for _, o := range opts {
		o(a)
	}
	cfg, err := LoadConfig(path, a.loadOpts...)
	if err != nil {
		return nil, err
	}
	if a.listen != "" {
		cfg.Listen = a.listen
	}
	if a.historyPath != "" {
		cfg.History = a.historyPath
	}
	if a.store == nil {
		p := cfg.History
		if p == "" {
			if p, err = history.DefaultPath(); err != nil {
				return nil, err
			}
		}
		st, err := history.Open(p, history.WithRetention(cfg.Retention))
		if err != nil {
			return nil, err
		}
		a.store, a.ownStore = st, true
		a.log.Info("history", "path", st.Path(), "retention", cfg.Retention.String())
	}
	a.cfg = cfg
	a.slots = make(chan struct{}, a.maxInFlight)
	a.probeCtx, a.cancelProbe = context.WithCancel(context.Background())
	runner := scenarios.NewRunner(append([]scenarios.Option{scenarios.WithHistory(a.store)}, a.runnerOpts...)...)
	a.session = runner.NewSession(func(err error) {
		a.metrics.historyErrs.Inc()
		a.log.Warn("history", "err", err)
	})
	a.runID = "serve-" + time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:4])
	a.metrics.loaded(true, time.Now())
	return a, nil
}

// Config is the configuration in force.
func (a *Agent) Config() *Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// start begins the schedule of the configuration in force.
func (a *Agent) start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	jobs := a.cfg.Scheduled()
	a.sched = startScheduler(jobs, a.seed, a.runScheduled)
	a.ready.Store(true)
	a.log.Info("scheduling", "config", a.cfg.Path, "scheduled", len(jobs), "probes", len(a.cfg.File.Probes))
	a.warnUnscheduled(a.cfg, nil)
}

// Reload reads the configuration again. An invalid one is refused: the
// old one stays in force, the error is logged and
// sipprobe_config_last_reload_successful goes to 0.
func (a *Agent) Reload() error {
	a.mu.Lock()
	path := a.cfg.Path
	a.mu.Unlock()
	cfg, err := LoadConfig(path, a.loadOpts...)
	if err != nil {
		a.metrics.loaded(false, time.Now())
		a.log.Error("reload refused, keeping the configuration in force", "config", path, "err", err)
		return fmt.Errorf("reload %s: %w", path, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.cfg
	cfg.Listen = old.Listen // the listener stays; a new address needs a restart
	if a.historyPath != "" {
		cfg.History = a.historyPath
	}
	if cfg.History != old.History || cfg.Retention != old.Retention {
		a.log.Warn("reload: a new history path or retention takes effect at the next start", "config", path)
		cfg.History, cfg.Retention = old.History, old.Retention
	}
	keep := map[string]bool{}
	jobs := cfg.Scheduled()
	for _, j := range jobs {
		keep[j.Name] = true
	}
	for _, j := range old.Scheduled() {
		if !keep[j.Name] {
			a.metrics.forget(j.Name)
			a.last.forget(j.Name)
		}
	}
	a.retryChangedCredentials(old, cfg)
	a.cfg = cfg
	if a.sched != nil {
		// Unchanged jobs keep their next run; runScheduled keeps a
		// restarted loop from overlapping a run still in flight.
		a.sched.update(jobs)
	}
	a.metrics.loaded(true, time.Now())
	a.log.Info("reloaded", "config", path, "scheduled", len(jobs), "probes", len(cfg.File.Probes))
	a.warnUnscheduled(cfg, old)
	return nil
}

// runScheduled runs one scheduled job and records its result. A job still
// running from before a reload is not started twice.
func (a *Agent) runScheduled(j scenarios.Job) {
	if _, busy := a.running.LoadOrStore(j.Name, true); busy {
		a.log.Debug("skipped: still running", "probe", j.Name)
		return
	}
	defer a.running.Delete(j.Name)
	if !a.inFlight.enter() {
		return // draining
	}
	defer a.inFlight.leave()
	j = a.prepare(j)
	res := a.session.Probe(a.probeCtx, j)
	a.save(res)
	sent, hasSent := a.last.lastSent(res.Name)
	if res.NotSent != nil && !hasSent {
		sent, hasSent = a.sentFromHistory(res)
	}
	a.metrics.record(metricView(res, sent, hasSent))
	a.last.put(res)
	a.log.Info("probe", append([]any{"probe", res.Name, "kind", res.Probe, "target", res.Target, "status", string(res.Status),
		"diagnosis", res.Diagnosis.ID, "final_code", res.FinalCode, "ms", float64(res.Timings.Total)}, notSentAttrs(res)...)...)
}

// save writes a result to the history. History I/O outlives a shutdown:
// what was done is stored.
func (a *Agent) save(r results.Result) {
	if err := a.store.Save(context.WithoutCancel(a.probeCtx), a.runID, r); err != nil {
		a.metrics.historyErrs.Inc()
		a.log.Warn("history", "err", err)
	}
}

// shutdown drains: scheduling stops, probes in flight are canceled (they
// hang up calls and remove --bind contacts on their own budget) and their
// results are saved, within the drain timeout.
func (a *Agent) shutdown() {
	a.ready.Store(false)
	a.mu.Lock()
	if a.sched != nil {
		a.sched.stop()
	}
	a.mu.Unlock()
	a.cancelProbe()
	if !a.inFlight.drain(a.drain) {
		a.log.Error("drain: probes still in flight after the timeout", "timeout", a.drain.String())
	}
}

// Close releases the history the agent opened.
func (a *Agent) Close() error {
	if a.ownStore {
		if c, ok := a.store.(io.Closer); ok {
			return c.Close()
		}
	}
	return nil
}

// pruneLoop deletes results older than the retention, now and then, so the
// database does not grow forever.
func (a *Agent) pruneLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.prune(ctx)
		}
	}
}

func (a *Agent) prune(ctx context.Context) {
	cut := time.Now().Add(-a.Config().Retention)
	n, err := a.store.Prune(ctx, cut)
	if err != nil {
		a.metrics.historyErrs.Inc()
		a.log.Warn("history prune", "err", err)
		return
	}
	if n > 0 {
		a.log.Info("history pruned", "deleted", n, "before", cut.UTC().Format(time.RFC3339))
	}
}
