package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// historyDBFlag is --db, shared with `sipprobe run` so both find the same file.
func historyDBFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "db", Usage: "results history `FILE` (default $XDG_STATE_HOME/sipprobe/history.db)", EnvVars: env("DB")}
}

// historyPath is --db or the default location.
func historyPath(c *cli.Context) (string, error) {
	if p := c.String("db"); p != "" {
		return p, nil
	}
	p, err := history.DefaultPath()
	if err != nil {
		return "", &exitError{code: 3, err: err}
	}
	return p, nil
}

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "since when has a probe been failing? availability, p50/p95 time and recent results from past runs",
		UsageText: "sipprobe history [--name NAME] [--since 24h] [--db FILE] [--output text|json]\nsipprobe history --import [--db FILE] FILE.jsonl...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "only the probe `NAME` (as in the scenario file; an entry's name also lists NAME/udp…, NAME/USER…), with its recent results"},
			&cli.StringFlag{Name: "since", Value: "24h", Usage: "window: a duration (90m, 24h, 7d) or a date/time (2026-11-21, RFC 3339)", EnvVars: env("HISTORY_SINCE")},
			&cli.IntFlag{Name: "recent", Value: 10, Usage: "how many recent results to list per probe"},
			historyDBFlag(),
			&cli.BoolFlag{Name: "import", Usage: "add the results of JSON Lines files (--json FILE of run, sweeps, other machines; - for stdin) to the history, each once"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "text or json", EnvVars: env("OUTPUT")},
			&cli.StringFlag{Name: "lang", Usage: "en or ru (default from LANG)", EnvVars: env("LANG")},
		},
		Action: historyAction,
	}
}

func historyAction(c *cli.Context) error {
	if c.Bool("import") {
		return historyImport(c)
	}
	if c.Args().Present() {
		return usagef("unexpected argument %q (did you mean --name %s?)", c.Args().First(), c.Args().First())
	}
	now := time.Now()
	since, err := history.ParseSince(c.String("since"), now)
	if err != nil {
		return usagef("--since %v", err)
	}
	if c.Int("recent") < 0 {
		return usagef("--recent must not be negative")
	}
	format, err := outputFormat(c)
	if err != nil {
		return err
	}
	lang, err := catalog.ParseLang(c.String("lang"))
	if err != nil {
		return usagef("--lang: %v", err)
	}
	path, err := historyPath(c)
	if err != nil {
		return err
	}
	// MustExist: a typo in --db must not leave an empty database behind
	// and report "no results" as if all were well.
	store, err := history.Open(path, history.MustExist())
	if errors.Is(err, history.ErrNotFound) {
		return &exitError{code: 3, err: fmt.Errorf("%w at %s: `sipprobe run` records its results there", history.ErrNotFound, path)}
	}
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer store.Close()

	// Children: `run --only alive` takes a fanned-out entry's name, so
	// --name alive lists alive/udp, alive/tcp… (and a sweep's ENTRY/USER).
	sums, err := store.Summaries(c.Context, history.Query{Name: c.String("name"), Children: true, Since: since, Recent: c.Int("recent")})
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	if name := c.String("name"); name != "" && len(sums) == 0 {
		return &exitError{code: 3, err: fmt.Errorf("no results for probe %q (nor %s/…) in %s", name, results.Safe(name), path)}
	}
	w := c.App.Writer
	if format == "json" {
		err = history.WriteJSON(w, sums)
	} else if len(sums) == 0 {
		_, err = fmt.Fprintln(w, results.Msg(lang, "h-none", since.Format("2006-01-02 15:04:05"), results.Safe(path)))
	} else {
		err = history.WriteText(w, sums, history.TextOptions{
			Color: isTerminal(w), Now: now, Detail: c.String("name") != "", Lang: lang,
		})
	}
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	return nil
}
