package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// catalogCommand browses the diagnosis catalogue the probes use.
func catalogCommand() *cli.Command {
	flags := func() []cli.Flag {
		return []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "text or json", EnvVars: env("OUTPUT")},
			&cli.StringFlag{Name: "lang", Usage: "en or ru (default from LANG)", EnvVars: env("LANG")},
		}
	}
	return &cli.Command{
		Name:  "catalog",
		Usage: "list, show and explain diagnoses (every SIP status code, vendor reason phrase and transport failure)",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list every diagnosis id with its severity and status codes",
				UsageText: "sipprobe catalog list [--output text|json]",
				Flags:     flags(),
				Action:    catalogList,
			},
			{
				Name:      "show",
				Usage:     "show one diagnosis: summary, causes and remedies",
				UsageText: "sipprobe catalog show ID [--lang en|ru] [--output text|json]",
				Flags:     flags(),
				Action:    catalogShow,
			},
			{
				Name:  "explain",
				Usage: "explain a status code and reason phrase, or an outcome (timeout, refused, tls, dns, ...)",
				UsageText: "sipprobe catalog explain 403 \"Wrong Guess\"\n" +
					"sipprobe catalog explain 488\n" +
					"sipprobe catalog explain timeout | refused | tls expired | dns nxdomain",
				Flags:  flags(),
				Action: catalogExplain,
			},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("catalog: unknown subcommand %q (want list, show or explain)", c.Args().First())
			}
			return usagef("catalog: want a subcommand: list, show ID or explain CODE [\"REASON\"]")
		},
	}
}

// catalogOptions are the flags every catalog subcommand shares.
func catalogOptions(c *cli.Context) (format string, lang catalog.Lang, err error) {
	if format, err = outputFormat(c); err != nil {
		return "", "", err
	}
	if lang, err = catalog.ParseLang(c.String("lang")); err != nil {
		return "", "", usagef("--lang: %v", err)
	}
	return format, lang, nil
}

func catalogList(c *cli.Context) error {
	format, _, err := catalogOptions(c)
	if err != nil {
		return err
	}
	if c.Args().Present() {
		return usagef("catalog list: unexpected argument %q", c.Args().First())
	}
	entries := catalog.Default().Entries()
	if format == "json" {
		return writeJSON(c.App.Writer, entries)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tCODES")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.ID, e.Severity, entryCodes(e))
	}
	return wrapWrite(tw.Flush())
}

// entryCodes is the CODES column: the codes an entry explains, "4xx" for a
// class fallback, the outcome words for entries without a code.
func entryCodes(e catalog.Entry) string {
	var parts []string
	for _, code := range e.AllCodes() {
		parts = append(parts, strconv.Itoa(code))
	}
	if e.Class > 0 {
		parts = append(parts, strconv.Itoa(e.Class)+"xx")
	}
	if len(parts) == 0 && len(e.Words) > 0 {
		return "(" + strings.Join(e.Words[:min(3, len(e.Words))], ", ") + ")"
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func catalogShow(c *cli.Context) error {
	format, lang, err := catalogOptions(c)
	if err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usagef("catalog show: want exactly one diagnosis id (see 'sipprobe catalog list')")
	}
	d, err := catalog.Default().LookupErr(strings.ToLower(c.Args().First()), lang)
	if errors.Is(err, catalog.ErrUnknownID) {
		return &exitError{code: 3, err: fmt.Errorf("%w; 'sipprobe catalog list' shows them all", err)}
	}
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	return writeDiagnosis(c.App.Writer, format, lang, d)
}

func catalogExplain(c *cli.Context) error {
	format, lang, err := catalogOptions(c)
	if err != nil {
		return err
	}
	if !c.Args().Present() {
		return usagef("catalog explain: want a status code and optional reason phrase (403 \"Wrong Guess\") or an outcome (timeout, refused, tls, dns)")
	}
	if c.NArg() > 2 {
		// Joining the words would explain a phrase nobody sent
		// ("Service Unavailable extra") without saying so.
		quoted := fmt.Sprintf("%s %q", c.Args().First(), strings.Join(c.Args().Tail(), " "))
		return usagef("catalog explain: want a code and one reason phrase, got %d arguments; quote a phrase of several words: sipprobe catalog explain %s", c.NArg(), quoted)
	}
	text := strings.Join(c.Args().Slice(), " ")
	d, ok := catalog.Default().ExplainText(text, lang)
	if !ok {
		return &exitError{code: 3, err: fmt.Errorf("catalog explain: nothing in the catalogue matches %q; give a status code (100-699) or see 'sipprobe catalog list'", text)}
	}
	return writeDiagnosis(c.App.Writer, format, lang, d)
}

// writeDiagnosis prints one diagnosis as text or as the JSON object that
// probe results embed.
func writeDiagnosis(w io.Writer, format string, lang catalog.Lang, d catalog.Diagnosis) error {
	if format == "json" {
		return writeJSON(w, d)
	}
	causes, remedies, notes := results.Msg(lang, "causes"), results.Msg(lang, "remedies"), "Notes"
	if lang == catalog.RU {
		notes = "Примечания"
	}
	// The summary may quote the phrase the user typed; Safe all the same.
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n%s\n", results.Safe(d.ID), d.Severity, results.Safe(d.Summary))
	for _, l := range []struct {
		title string
		items []string
	}{{causes, d.Causes}, {remedies, d.Remedies}, {notes, d.Notes}} {
		if len(l.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", l.title)
		for _, s := range l.items {
			fmt.Fprintf(&b, "  - %s\n", results.Safe(s))
		}
	}
	_, err := io.WriteString(w, b.String())
	return wrapWrite(err)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return wrapWrite(enc.Encode(v))
}

// wrapWrite turns a failed write (closed pipe, full disk) into exit 3.
func wrapWrite(err error) error {
	if err != nil {
		return &exitError{code: 3, err: fmt.Errorf("write output: %w", err)}
	}
	return nil
}
