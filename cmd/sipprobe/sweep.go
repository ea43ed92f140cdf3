package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

// An account sweep runs one probe per row of an accounts file: `run` with
// an entry's accounts key, or `register`/`options` with --accounts. Rows
// stream from the file through the runner's bounded queue; results stream
// to JSON Lines and, in batches, to the history; the table, JUnit, Nagios
// and Prometheus outputs get a summary (results.SweepSummary). The other
// entries of the file are reported there as `run` reports them: a row, a
// testcase, a name on the status line, a series each.

// DefaultMaxRows is how many failures the summarising outputs list.
const DefaultMaxRows = 50

// historyBatch and historyEvery bound how many results wait for the
// history, and how long: one transaction per batch, not per account.
const (
	historyBatch = 500
	historyEvery = time.Second
)

func maxRowsFlag() cli.Flag {
	return &cli.IntFlag{Name: "max-rows", Value: DefaultMaxRows, Usage: "account sweeps: list at most `N` failures in the table, JUnit and Nagios outputs (after the counts per diagnosis; JSON Lines has every result)", EnvVars: env("MAX_ROWS")}
}

// sweepFlags are the flags register and options take for --accounts.
func sweepFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "accounts", Usage: "sweep the accounts of this CSV `FILE` (header: user,password,password_env,auth_user,domain,server,transport; every column but user optional), one probe per row", EnvVars: env("ACCOUNTS")},
		&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: scenarios.DefaultParallel, Usage: "with --accounts: probes running at once", EnvVars: env("PARALLEL")},
		&cli.Float64Flag{Name: "rate", Value: scenarios.DefaultRate, Usage: "with --accounts: requests per second per server (0: no limit, lab servers only)", EnvVars: env("RATE")},
		maxRowsFlag(),
		&cli.StringFlag{Name: "json", Usage: "with --accounts: also write JSON Lines to `FILE`, a line per account as it finishes", EnvVars: env("JSON")},
		&cli.BoolFlag{Name: "force", Usage: "with --accounts: send credentials even if they were refused within the cool-down"},
		&cli.DurationFlag{Name: "cooldown", Value: scenarios.DefaultCooldown, Usage: "with --accounts: leave an account alone this long after its credentials were refused", EnvVars: env("COOLDOWN")},
		historyDBFlag(),
		&cli.BoolFlag{Name: "no-history", Usage: "with --accounts: do not read or store the history", EnvVars: env("NO_HISTORY")},
	}
}

// sweepCommand runs register or options over --accounts. cfg holds the
// settings every row inherits (server, domain, a shared password).
func sweepCommand(c *cli.Context, kind probe.Kind, cfg probe.Config) error {
	expect, err := expectationFromFlags(c)
	if err != nil {
		return err
	}
	format, err := outputFlag(c, resultFormats(), resultFormatsUsage)
	if err != nil {
		return err
	}
	p, err := scenarios.CommandSweep(kind, cfg, expect, c.String("accounts"))
	if errors.Is(err, scenarios.ErrAccountsFile) {
		// Not a usage error: the command line is right, the file is not.
		return &exitError{code: 3, err: fmt.Errorf("accounts file %w", err)}
	}
	if err != nil {
		return usagef("%v", err)
	}
	file := &scenarios.File{Path: c.String("accounts"), Name: "sipprobe " + string(kind), Probes: []scenarios.Probe{p}}
	if err := checkOutputPaths(c); err != nil {
		return err
	}
	return sweepRun(c, file, format, time.Now(), cfg.Lang)
}

// sweepRun runs a file with accounts entries and reports it.
func sweepRun(c *cli.Context, file *scenarios.File, format string, begun time.Time, lang catalog.Lang) error {
	if c.Int("parallel") < 1 {
		return usagef("%s must be at least 1", source(c, "parallel"))
	}
	if r := c.Float64("rate"); r < 0 {
		return usagef("%s %g: want requests per second, or 0 for no limit", source(c, "rate"), r)
	}
	if c.Int("max-rows") < 0 {
		return usagef("%s %d: want 0 or more", source(c, "max-rows"), c.Int("max-rows"))
	}
	hist, closeHist, err := openSweepHistory(c)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	out, err := newSweepOutputs(c, format, file, time.Now(), lang)
	if err != nil {
		closeHist()
		return &exitError{code: 3, err: err}
	}
	opts := runnerOptions(c, hist, begun)
	// accounts counts the rows of accounts files probed, apart from the
	// file's other entries.
	var accounts, bad, unusable atomic.Int64
	prog := newProgress(c.App.ErrWriter, stderrTerminal, time.Now, func(elapsed time.Duration) string {
		return fmt.Sprintf("%s done… %s", plural.Count(int(accounts.Load()), "account", "accounts"), seconds(elapsed))
	})
	// Bad rows are reported as they are met, on stderr: one line each,
	// file:line and why. They never start a probe, so they yield no result.
	// So does a file none of whose rows can be used (the loader checked it,
	// but a pipe's header is read only now, and a file can go away).
	onBad := func(err error) {
		prog.pause()
		if errors.Is(err, scenarios.ErrAccountsFile) {
			unusable.Add(1)
			fmt.Fprintf(c.App.ErrWriter, "sipprobe: accounts file %v\n", err)
		} else {
			bad.Add(1)
			fmt.Fprintf(c.App.ErrWriter, "sipprobe: skipped: %v\n", err)
		}
		prog.resume()
	}
	notify := c.Bool("notify-on-change")
	defer tuneGCForRun(c.Int("parallel"))()
	prog.run(c.Context)
	sum, runErr := scenarios.NewRunner(opts...).Run(c.Context, withUserAgent(file.JobsReporting(onBad), readVersion().userAgent()), func(ev scenarios.Event) error {
		if ev.Sweep {
			accounts.Add(1)
		} else {
			prog.pause() // an ordinary entry's row is printed now
			defer prog.resume()
		}
		return out.add(ev, !notify || ev.Changed())
	})
	prog.end()
	// Nothing ran because no accounts file could be used: the error says
	// it all, an empty summary would only look like a run.
	out.omitStdout = sum.Total == 0 && unusable.Load() > 0
	closeErr := out.close(sum.Elapsed, time.Now())
	closeHist()
	for _, herr := range sum.HistoryErrors {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: warning: history: %v\n", herr)
	}
	for _, s := range sum.BanStops {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: %s not run: %s\n", plural.Count(s.Skipped, "row", "rows"), s.Why)
	}
	if sum.DeadlineReached {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: --deadline %s reached: probes in flight were canceled, rows not started are marked not run\n", c.Duration("deadline"))
	}
	if c.Context.Err() != nil {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: interrupted: %s reported, rows not started are marked not run\n", plural.Count(sum.Total, "result", "results"))
	}
	if err := errors.Join(runErr, closeErr); err != nil {
		return &exitError{code: 3, err: err}
	}
	if n := bad.Load(); n > 0 {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: %s skipped (listed above); %s probed\n", plural.Count(int(n), "bad row", "bad rows"), plural.Count(int(accounts.Load()), "account", "accounts"))
	}
	if bad.Load() > 0 || unusable.Load() > 0 {
		return exitCode(3)
	}
	return exitCode(sum.Overall.ExitCode())
}

// openSweepHistory is openHistory with saves batched in transactions.
func openSweepHistory(c *cli.Context) (scenarios.History, func(), error) {
	h, closeHist, err := openHistory(c)
	st, ok := h.(*history.Store)
	if err != nil || !ok {
		return h, closeHist, err
	}
	b := history.NewBatcher(st, historyBatch, historyEvery)
	return b, func() {
		if err := b.Flush(context.Background()); err != nil {
			fmt.Fprintf(c.App.ErrWriter, "sipprobe: warning: history: %v\n", err)
		}
		closeHist()
	}, nil
}

// newSweepOutputs is newOutputs for a sweep: JSON Lines streams every
// result; the other formats summarise the rows of accounts files and
// report the file's other entries as `run` does.
func newSweepOutputs(c *cli.Context, format string, f *scenarios.File, start time.Time, lang catalog.Lang) (*outputs, error) {
	o := &outputs{notify: c.Bool("notify-on-change")}
	// The table's columns are sized by the ordinary entries alone: listing
	// an accounts entry's jobs would read its file (a pipe's rows would be
	// gone before the run), and its rows are summarised anyway.
	plain := *f
	plain.Probes = slices.DeleteFunc(slices.Clone(f.Probes), func(p scenarios.Probe) bool { return p.Accounts != "" })
	spec := runSpec(&plain, start, lang)
	maxRows := c.Int("max-rows")
	var err error
	if o.stdout, err = newSweepSink(format, c.App.Writer, "", spec, maxRows); err != nil {
		return nil, err
	}
	outputStarted(c)
	for _, ff := range []struct{ flag, format string }{{"junit", "junit"}, {"json", "json"}, {"prom-file", "prom"}} {
		if path := c.String(ff.flag); path != "" {
			s, err := newSweepSink(ff.format, nil, path, spec, maxRows)
			if err != nil {
				return nil, err
			}
			o.files = append(o.files, s)
		}
	}
	return o, nil
}

func newSweepSink(format string, w io.Writer, path string, spec sinkSpec, maxRows int) (resultSink, error) {
	s := &sweepSink{format: format, w: w, path: path, sum: results.NewSweepSummary(maxRows)}
	switch format {
	case "json":
		return newSink(format, w, path, sinkSpec{})
	case "text":
		s.table = results.NewTable(w, results.TableOptions{Color: isTerminal(w), Names: spec.names, Targets: spec.targets, Lang: spec.lang})
	case "nagios":
		s.nagios = results.NewNagios(w, results.NagiosOptions{Thresholds: spec.thresholds})
	case "prom":
		s.prom = results.NewProm()
	case "junit":
		j, err := results.NewJUnit(spec.suite, spec.start)
		if err != nil {
			return nil, err
		}
		s.junit = j
	default:
		return nil, usagef("--output %q: want %s", format, resultFormatsUsage)
	}
	return s, nil
}

// sweepSink writes the ordinary entries' results as `run` does (the
// table's rows as they come) and collects the summary of the accounts
// entries' rows (AddSweep); Close writes both under one status.
type sweepSink struct {
	format string
	w      io.Writer
	path   string
	sum    *results.SweepSummary
	// One of these, by format, takes the ordinary results.
	table  *results.Table
	nagios *results.Nagios
	prom   *results.Prom
	junit  *results.JUnit
}

func (s *sweepSink) Add(r results.Result) error {
	switch {
	case s.table != nil:
		return s.table.Add(r)
	case s.nagios != nil:
		return s.nagios.Add(r)
	case s.prom != nil:
		return s.prom.Add(r)
	}
	return s.junit.Add(r)
}

func (s *sweepSink) AddSweep(r results.Result) error {
	s.sum.Add(r)
	return nil
}

func (s *sweepSink) Close(elapsed time.Duration, end time.Time) error {
	switch s.format {
	case "text":
		return s.table.CloseSweep(s.sum, elapsed)
	case "nagios":
		return s.nagios.CloseSweep(s.sum)
	case "prom":
		write := func(w io.Writer) error { return s.prom.WriteSweep(w, s.sum, end) }
		if s.path == "" {
			return write(s.w)
		}
		return results.WriteFileAtomic(s.path, write)
	}
	if err := s.sum.AddJUnit(s.junit); err != nil {
		return err
	}
	if s.path == "" {
		return s.junit.Finish(s.w)
	}
	return results.WriteFileAtomic(s.path, s.junit.Finish)
}
