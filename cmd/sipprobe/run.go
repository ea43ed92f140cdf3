package main

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run the probes of a scenario file (cron, CI, Nagios, Prometheus)",
		UsageText: "sipprobe run FILE.toml [--output text|json|junit|nagios|prom] [--parallel N] [--junit FILE] [--json FILE] [--prom-file FILE] [--check]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "what to print: text, json, junit, nagios or prom", EnvVars: env("OUTPUT")},
			&cli.IntFlag{Name: "parallel", Aliases: []string{"j"}, Value: scenarios.DefaultParallel, Usage: "probes running at once", EnvVars: env("PARALLEL")},
			&cli.Float64Flag{Name: "rate", Value: scenarios.DefaultRate, Usage: "requests per second per server, whatever --parallel says (0: no limit, lab servers only)", EnvVars: env("RATE")},
			&cli.StringFlag{Name: "junit", Usage: "also write JUnit XML to `FILE`", EnvVars: env("JUNIT")},
			&cli.StringFlag{Name: "json", Usage: "also write JSON Lines to `FILE`", EnvVars: env("JSON")},
			&cli.StringFlag{Name: "prom-file", Usage: "also write Prometheus metrics to `FILE` (atomically, for node_exporter's textfile collector)", EnvVars: env("PROM_FILE")},
			&cli.BoolFlag{Name: "check", Usage: "validate the file and exit: nothing is sent"},
			&cli.BoolFlag{Name: "notify-on-change", Usage: "print only the probes whose status changed since the last run (cron mails only then)", EnvVars: env("NOTIFY_ON_CHANGE")},
			&cli.BoolFlag{Name: "force", Usage: "send credentials even if they were refused within the cool-down"},
			&cli.DurationFlag{Name: "cooldown", Value: scenarios.DefaultCooldown, Usage: "leave an account alone this long after its credentials were refused", EnvVars: env("COOLDOWN")},
			historyDBFlag(),
			&cli.BoolFlag{Name: "no-history", Usage: "do not read or store the history", EnvVars: env("NO_HISTORY")},
		},
		Action: runAction,
	}
}

func runAction(c *cli.Context) error {
	if c.Args().Len() != 1 {
		return usagef("run: want exactly one scenario file, got %d arguments", c.Args().Len())
	}
	path := c.Args().First()
	format, err := parseFormat(c.String("output"), resultFormats, resultFormatsUsage)
	if err != nil {
		return err
	}
	if c.Int("parallel") < 1 {
		return usagef("--parallel must be at least 1")
	}
	file, err := scenarios.Load(path)
	if err != nil {
		return loadError(path, err)
	}
	if c.Bool("check") {
		fmt.Fprintf(c.App.Writer, "%s: OK, %d probes, %d results per run; nothing was sent\n", path, len(file.Probes), file.Count())
		return nil
	}

	hist, closeHist, err := openHistory(c)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer closeHist()

	start := time.Now()
	out, err := newOutputs(c, format, file, start)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	runner := scenarios.NewRunner(
		scenarios.WithParallel(c.Int("parallel")),
		scenarios.WithRateLimit(c.Float64("rate")),
		scenarios.WithHistory(hist),
		scenarios.WithForce(c.Bool("force")),
		scenarios.WithCooldown(c.Duration("cooldown")),
	)
	notify := c.Bool("notify-on-change")
	var done atomic.Int64
	prog := newProgress(c.App.ErrWriter, stderrTerminal, time.Now, runDone(func() int { return int(done.Load()) }, file.Count()))
	prog.run(c.Context)
	sum, runErr := runner.Run(c.Context, withUserAgent(file.Jobs(), readVersion().userAgent()), func(ev scenarios.Event) error {
		done.Add(1)
		prog.pause() // a result printed now starts at the left margin
		defer prog.resume()
		return out.add(ev.Result, !notify || ev.Changed())
	})
	prog.end()
	closeErr := out.close(sum.Elapsed, time.Now())
	for _, herr := range sum.HistoryErrors {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: warning: history: %v\n", herr)
	}
	if c.Context.Err() != nil {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: interrupted: %d results reported, probes not started are marked not run\n", sum.Total)
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
		n := len(ve.Problems)
		noun := "problems"
		if n == 1 {
			noun = "problem"
		}
		return &exitError{code: 3, err: fmt.Errorf("%s: %d %s, nothing was sent:\n%w", path, n, noun, err)}
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
