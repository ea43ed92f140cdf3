package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/demo"
	"github.com/sipprobe/sipprobe/results"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:      "demo",
		Usage:     "see what sipprobe reports: probes a built-in loopback test PBX with staged faults (a wrong password, an unknown user, a codec mismatch, a silent UDP port, a closed port; no PBX needed; every diagnosis: sipprobe catalog list)",
		UsageText: "sipprobe demo [--output text|json] [--trace] [--lang en|ru]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "text or json", EnvVars: env("OUTPUT")},
			&cli.BoolFlag{Name: "trace", Usage: "print the message ladder of each probe"},
			&cli.StringFlag{Name: "lang", Usage: "language of diagnoses: en or ru (default from LANG)", EnvVars: env("LANG")},
		},
		Action: demoAction,
	}
}

func demoAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("unexpected argument %q", c.Args().First())
	}
	format, err := outputFormat(c)
	if err != nil {
		return err
	}
	lang, err := catalog.ParseLang(c.String("lang"))
	if err != nil {
		return usagef("--lang: %v", err)
	}
	rep, err := demo.Run(c.Context, demo.WithLang(lang), demo.WithUserAgent(readVersion().userAgent()))
	if err != nil {
		return &exitError{code: 3, err: fmt.Errorf("demo: %w", err)}
	}
	w := c.App.Writer
	if format == "json" {
		for _, o := range rep.Outcomes {
			if err := results.WriteJSON(w, o.Result); err != nil {
				return &exitError{code: 3, err: err}
			}
		}
	} else if err := writeDemoText(w, rep, results.TextOptions{Trace: c.Bool("trace"), Color: isTerminal(w), Lang: lang}); err != nil {
		return &exitError{code: 3, err: err}
	}
	// The faults are the point of the demo: it succeeds when each probe
	// gave the diagnosis it was built to show. Anything else means
	// sipprobe itself misbehaves here — UNKNOWN, not CRITICAL.
	if c.Context.Err() != nil {
		return &exitError{code: 3, err: fmt.Errorf("demo interrupted")}
	}
	if !rep.AllMet() {
		var bad []string
		for _, o := range rep.Outcomes {
			if !o.Met() {
				bad = append(bad, fmt.Sprintf("%s gave %q instead of %q", o.Name, o.Result.Diagnosis.ID, o.Expect))
			}
		}
		return &exitError{code: 3, err: fmt.Errorf("demo did not run as designed: %s", strings.Join(bad, "; "))}
	}
	return nil
}

func writeDemoText(w io.Writer, rep demo.Report, o results.TextOptions) error {
	words := demoWordsFor(o.Lang)
	if _, err := fmt.Fprintf(w, words.header, rep.PBX); err != nil {
		return err
	}
	rule := strings.Repeat("─", 72)
	for i, oc := range rep.Outcomes {
		title := fmt.Sprintf("%d/%d  %s", i+1, len(rep.Outcomes), oc.Title)
		if o.Color {
			title = "\x1b[1m" + title + "\x1b[0m"
		}
		if _, err := fmt.Fprintf(w, "\n%s\n%s\n", rule, title); err != nil {
			return err
		}
		if err := results.WriteText(w, oc.Result, o); err != nil {
			return err
		}
	}
	ids := make([]string, len(rep.Outcomes))
	for i, oc := range rep.Outcomes {
		ids[i] = results.Paint(o.Color, oc.Result.Status, oc.Result.Diagnosis.ID)
	}
	verdict := words.asDesigned
	if !rep.AllMet() {
		verdict = words.notAsDesigned
	}
	_, err := fmt.Fprintf(w, words.footer, rule, rep.Elapsed.Seconds(), len(rep.Outcomes), verdict, strings.Join(ids, ", "))
	return err
}

// demoWords are the demo's own lines around the results, in one language.
type demoWords struct {
	header                    string // %s: the test PBX's address
	asDesigned, notAsDesigned string
	footer                    string // rule, seconds, probes, verdict, ids
}

func demoWordsFor(lang catalog.Lang) demoWords {
	if lang == catalog.RU {
		return demoWords{
			header: "sipprobe demo: тестовая АТС на %s (UDP и TCP) с учётной записью 100 и несколькими намеренными неисправностями.\n" +
				"Каждая проверка показывает один диагноз; сбои подстроены.\n",
			asDesigned:    "все диагнозы такие, как задумано",
			notAsDesigned: "НЕ все диагнозы такие, как задумано",
			footer: "\n%s\nДемонстрация завершена за %.1f с, проверок: %d; %s: %s.\n" +
				"Теперь проверьте свой сервер:  sipprobe options --server pbx.example.com\n" +
				"                               sipprobe register --server pbx.example.com --user 120 --password-file ФАЙЛ\n",
		}
	}
	return demoWords{
		header: "sipprobe demo: a test PBX on %s (UDP and TCP) with account 100, and a few deliberate faults.\n" +
			"Each probe shows one diagnosis; the failures are staged.\n",
		asDesigned:    "every diagnosis as designed",
		notAsDesigned: "NOT every diagnosis as designed",
		footer: "\n%s\nDemo done in %.1f s: %d probes, %s: %s.\n" +
			"Now try your own server:  sipprobe options --server pbx.example.com\n" +
			"                          sipprobe register --server pbx.example.com --user 120 --password-file FILE\n",
	}
}
