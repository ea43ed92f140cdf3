package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/scenarios"
)

// checkRun is `run --check` of a file that loaded: nothing is sent, but
// the accounts files of the entries run are read through as a run reads
// them, so that the count is the run's (a result per good row) and a bad
// row shows now, with its file:line, rather than in the night's cron mail.
// A bad row ends the check with exit 3, as it ends the run.
func checkRun(c *cli.Context, path string, file *scenarios.File) error {
	bad, unusable := 0, 0
	n, unread := file.CountRows(func(err error) {
		if errors.Is(err, scenarios.ErrAccountsFile) {
			unusable++
			fmt.Fprintf(c.App.ErrWriter, "sipprobe: accounts file %v\n", err)
			return
		}
		bad++
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: bad row: %v\n", err)
	})
	counts := fmt.Sprintf("%s, %s per run", plural.Count(len(file.Probes), "probe", "probes"), plural.Count(n, "result", "results"))
	if len(unread) > 0 {
		counts += fmt.Sprintf(" and one per row of %s, read only when it runs", strings.Join(unread, ", "))
	}
	if bad == 0 && unusable == 0 {
		fmt.Fprintf(c.App.Writer, "%s: OK, %s; nothing was sent\n", path, counts)
		return nil
	}
	var what string
	switch {
	case bad > 0 && unusable > 0:
		what = fmt.Sprintf("%s and %s", plural.Count(bad, "bad row", "bad rows"), plural.Count(unusable, "unusable accounts file", "unusable accounts files"))
	case bad > 0:
		what = plural.Count(bad, "bad row", "bad rows")
	default:
		what = plural.Count(unusable, "unusable accounts file", "unusable accounts files")
	}
	them := "them"
	if bad+unusable == 1 {
		them = "it"
	}
	return &exitError{code: 3, err: fmt.Errorf("%s: %s (listed above): a run skips %s and exits 3; %s; nothing was sent", path, what, them, counts)}
}
