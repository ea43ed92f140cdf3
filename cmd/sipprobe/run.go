package main

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the probes of a scenario file (cron, CI, Nagios, Prometheus)",
		UsageText: "sipprobe run FILE.toml [--output text|json|junit|nagios|prom] [--parallel N] [--only NAME,...] [--deadline 55s] [--junit FILE] [--json FILE] [--prom-file FILE] [--check]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "what to print: text, json, junit, nagios or prom", EnvVars: env("OUTPUT")},
			&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: scenarios.DefaultParallel, Usage: "probes running at once", EnvVars: env("PARALLEL")},
			&cli.Float64Flag{Name: "rate", Value: scenarios.DefaultRate, Usage: "requests per second per server, whatever --parallel says (0: no limit, lab servers only)", EnvVars: env("RATE")},
			&cli.StringFlag{Name: "junit", Usage: "also write JUnit XML to `FILE`", EnvVars: env("JUNIT")},
			&cli.StringFlag{Name: "json", Usage: "also write JSON Lines to `FILE`", EnvVars: env("JSON")},
			&cli.StringFlag{Name: "prom-file", Usage: "also write Prometheus metrics to `FILE` (atomically, for node_exporter's textfile collector)", EnvVars: env("PROM_FILE")},
			&cli.BoolFlag{Name: "check", Usage: "validate the file and exit: nothing is sent"},
			&cli.StringSliceFlag{Name: "only", Usage: "run only these probes (`NAME`s as in the file; reg runs every transport of a fan-out, reg/udp one), comma-separated or repeated", EnvVars: env("ONLY")},
			&cli.DurationFlag{Name: "deadline", Usage: "end the whole run within this time, every result accounted for: probes not started by then are not-run, probes in flight are canceled " + scenarios.DeadlineMargin.String() + " before it (e.g. 55s under Nagios's 60 s check timeout; 0: none)", EnvVars: env("DEADLINE")},
			&cli.BoolFlag{Name: "notify-on-change", Usage: "print only the probes whose status changed since the last run (cron mails only then)", EnvVars: env("NOTIFY_ON_CHANGE")},
			&cli.BoolFlag{Name: "force", Usage: "send credentials even if they were refused within the cool-down"},
			&cli.DurationFlag{Name: "cooldown", Value: scenarios.DefaultCooldown, Usage: "leave an account alone this long after its credentials were refused", EnvVars: env("COOLDOWN")},
			&cli.DurationFlag{Name: "ban-window", Value: catalog.DefaultBanWindow, Usage: "refused logins at a server within this long (fail2ban's findtime), with no SIP answer from it since, make its silence a likely ban", EnvVars: env("BAN_WINDOW")},
			historyDBFlag(),
			&cli.BoolFlag{Name: "no-history", Usage: "do not read or store the history", EnvVars: env("NO_HISTORY")},
			&cli.StringFlag{Name: "lang", Usage: "language of the output and diagnoses: en or ru (default: the file's lang, then LANG)", EnvVars: env("LANG")},
			maxRowsFlag(),
		},
		Action: runAction,
	}
}

func runAction(c *cli.Context) error {
	begun := time.Now() // the deadline counts from here: loading is part of the run
	if c.Args().Len() != 1 {
		return usagef("run: want exactly one scenario file, got %d arguments", c.Args().Len())
	}
	path := c.Args().First()
	format, err := outputFlag(c, resultFormats(), resultFormatsUsage)
	if err != nil {
		return err
	}
	if c.Int("parallel") < 1 {
		return usagef("%s must be at least 1", source(c, "parallel"))
	}
	if r := c.Float64("rate"); r < 0 {
		return usagef("%s %g: want requests per second, or 0 for no limit", source(c, "rate"), r)
	}
	if c.Bool("notify-on-change") && format != "text" && format != "json" {
		// Nagios, JUnit and Prometheus describe the whole run: a status
		// line or a file that left out the unchanged probes would lie.
		return usagef("%s prints only what changed, which fits text and json output, not %s", source(c, "notify-on-change"), format)
	}
	if c.Bool("notify-on-change") && c.Bool("no-history") {
		// The change is found in the history; without it every result
		// would look new and cron would mail all of them.
		return usagef("%s needs the history: it cannot go with %s", source(c, "notify-on-change"), source(c, "no-history"))
	}
	deadline := c.Duration("deadline")
	if deadline > 0 && deadline <= scenarios.DeadlineMargin {
		return usagef("%s %s: want more than %s (probes in flight are canceled %s before the deadline, to clean up and write the results)", source(c, "deadline"), deadline, scenarios.DeadlineMargin, scenarios.DeadlineMargin)
	}
	var loadOpts []scenarios.LoadOption
	if c.IsSet("only") {
		var only []string
		for _, v := range c.StringSlice("only") {
			only = append(only, splitList(v)...)
		}
		if len(only) == 0 {
			return usagef("--only: no probe name given")
		}
		// The loader resolves the secrets of the selected entries alone.
		loadOpts = append(loadOpts, scenarios.WithOnly(only))
	}
	file, err := scenarios.Load(path, loadOpts...)
	if errors.Is(err, scenarios.ErrUnknownProbe) {
		return usagef("--only: %v", err)
	}
	if err != nil {
		return loadError(path, err)
	}
	if err := checkOutputPaths(c); err != nil {
		return err
	}
	if c.Bool("check") {
		return checkRun(c, path, file)
	}

	if file.Sweep() {
		lang, err := runLang(c, file)
		if err != nil {
			return err
		}
		return sweepRun(c, file, format, begun, lang)
	}
	hist, closeHist, err := openHistory(c)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer closeHist()

	start := time.Now()
	lang, err := runLang(c, file)
	if err != nil {
		return err
	}
	out, err := newOutputs(c, format, file, start, lang)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	opts := runnerOptions(c, hist, begun)
	runner := scenarios.NewRunner(opts...)
	defer tuneGCForRun(c.Int("parallel"))()
	notify := c.Bool("notify-on-change")
	var done atomic.Int64
	prog := newProgress(c.App.ErrWriter, stderrTerminal, time.Now, runDone(func() int { return int(done.Load()) }, file.Count()))
	prog.run(c.Context)
	sum, runErr := runner.Run(c.Context, withUserAgent(file.Jobs(), readVersion().userAgent()), func(ev scenarios.Event) error {
		done.Add(1)
		prog.pause() // a result printed now starts at the left margin
		defer prog.resume()
		return out.add(ev, !notify || ev.Changed())
	})
	prog.end()
	closeErr := out.close(sum.Elapsed, time.Now())
	for _, herr := range sum.HistoryErrors {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: warning: history: %v\n", herr)
	}
	if sum.DeadlineReached {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: --deadline %s reached: probes in flight were canceled, probes not started are marked not run\n", deadline)
	}
	if c.Context.Err() != nil {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: interrupted: %s reported, probes not started are marked not run\n", plural.Count(sum.Total, "result", "results"))
	}
	if err := errors.Join(runErr, closeErr); err != nil {
		return &exitError{code: 3, err: err}
	}
	return exitCode(sum.Overall.ExitCode())
}

// loadError words a scenario that cannot be used: every problem, then the
// promise that matters to someone testing a production PBX.
func loadError(path string, err error) error {
	var ve *scenarios.ValidationError
	if errors.As(err, &ve) {
		n := plural.Count(len(ve.Problems), "problem", "problems")
		return &exitError{code: 3, err: fmt.Errorf("%s: %s, nothing was sent:\n%w", path, n, err)}
	}
	return &exitError{code: 3, err: err}
}

// openHistory opens the results history unless --no-history. A store that
// cannot be opened at the default place costs the run its history, not its
// probes (the in-run ban safety does not need it); a --db given explicitly
// must work.
func openHistory(c *cli.Context) (scenarios.History, func(), error) {
	nop := func() {}
	if c.Bool("no-history") {
		return nil, nop, nil
	}
	path, err := historyPath(c)
	if err == nil {
		var st *history.Store
		if st, err = history.Open(path); err == nil {
			return st, func() { _ = st.Close() }, nil
		}
	}
	if c.String("db") != "" {
		return nil, nop, err
	}
	fmt.Fprintf(c.App.ErrWriter, "sipprobe: warning: running without history: %v\n", err)
	return nil, nop, nil
}

// runLang is the language of a run's output. --lang (SIPPROBE_LANG) is
// what the user asked for here and now: it also makes the diagnoses of
// every probe speak it. Without it the file's lang (which falls back to
// LANG) decides.
func runLang(c *cli.Context, f *scenarios.File) (catalog.Lang, error) {
	if s := c.String("lang"); s != "" {
		lang, err := catalog.ParseLang(s)
		if err != nil {
			return "", usagef("--lang: %v", err)
		}
		for i := range f.Probes {
			f.Probes[i].Config.Lang = lang
		}
		return lang, nil
	}
	if len(f.Probes) > 0 {
		return f.Probes[0].Config.Lang, nil
	}
	lang, _ := catalog.ParseLang("")
	return lang, nil
}

// runnerOptions are the runner settings of `run` and of an --accounts
// sweep, from their common flags; --deadline counts from begun.
func runnerOptions(c *cli.Context, hist scenarios.History, begun time.Time) []scenarios.Option {
	opts := []scenarios.Option{
		scenarios.WithParallel(c.Int("parallel")),
		scenarios.WithRateLimit(c.Float64("rate")),
		scenarios.WithHistory(hist),
		scenarios.WithForce(c.Bool("force")),
		scenarios.WithCooldown(c.Duration("cooldown")),
		scenarios.WithBanWindow(c.Duration("ban-window")),
	}
	if d := c.Duration("deadline"); d > 0 {
		opts = append(opts, scenarios.WithDeadline(begun.Add(d)))
	}
	return opts
}
