package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// importBatch is how many results go into the history per transaction;
// with their transcripts dropped, memory stays bounded whatever the size
// of the file (a line is at most results.ReadJSONLines' limit).
const importBatch = 500

// maxBadLinesShown is how many bad lines of one file are named on stderr.
const maxBadLinesShown = 10

// maxClockAhead is how far in the future a result may start: the shards'
// clocks may differ a little from this machine's, not by hours.
const maxClockAhead = 10 * time.Minute

// historyImport is `sipprobe history --import FILE…`: results written as
// JSON Lines (--json FILE), e.g. by the shards of a large sweep run on
// several machines, go into one history, where `sipprobe history` sums
// them up. A bad line is reported with its file:line and skipped; the
// exit code is then 3, as for a bad accounts row.
func historyImport(c *cli.Context) error {
	// Only what is on the command line counts: SIPPROBE_OUTPUT set for
	// other commands must not break an import.
	for _, f := range []string{"name", "since", "recent", "output", "lang"} {
		if onCommandLine(c, f) {
			return usagef("--%s does not apply with --import (run `sipprobe history` after the import)", f)
		}
	}
	files := c.Args().Slice()
	if len(files) == 0 {
		return usagef("--import needs one or more JSON Lines files (as --json FILE writes), or - for stdin")
	}
	path, err := historyPath(c)
	if err != nil {
		return err
	}
	store, err := history.Open(path)
	if err != nil {
		return &exitError{code: 3, err: err}
	}
	defer store.Close()
	bad, added := false, 0
	for _, name := range files {
		ok, n, err := importFile(c, store, name)
		if err != nil {
			return &exitError{code: 3, err: err}
		}
		bad, added = bad || !ok, added+n
	}
	switch {
	case !bad:
		return nil
	case added == 0:
		return &exitError{code: 3, err: errors.New("nothing was imported (see above)")}
	}
	return &exitError{code: 3, err: errors.New("some lines were not imported (see above); the others were")}
}

// importFile imports one file (or stdin for "-") under a run id of its own
// and prints what it did. ok is false when a line was bad or the file
// could not be read to its end; added counts the results it added; err
// only when the history failed.
func importFile(c *cli.Context, store *history.Store, name string) (ok bool, added int, err error) {
	in := c.App.Reader
	shown := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(c.App.ErrWriter, "sipprobe: %s: %v\n", results.Safe(name), errors.Unwrap(err))
			return false, 0, nil
		}
		defer f.Close()
		in, shown = f, name
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	runID := time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(rnd[:])
	var (
		batch    []results.Result
		read, n  int
		badLines int
	)
	flush := func() error {
		a, err := store.Import(c.Context, runID, batch)
		added += a
		batch = batch[:0]
		return err
	}
	var storeErr error
	now := time.Now()
	rerr := results.ReadJSONLines(in, func(line int, r results.Result, perr error) error {
		if ahead := r.StartedAt.Sub(now); perr == nil && ahead > maxClockAhead {
			// A result from the future would be every probe's "latest"
			// for as long as the history keeps it.
			perr = fmt.Errorf("%w: started_at %s is %s ahead of this machine's clock", results.ErrNotResult, r.StartedAt.UTC().Format(time.RFC3339), history.Span(ahead, catalog.EN))
		}
		if perr != nil {
			// A pretty-printed document is a bad line per line: name the
			// first few, count the rest.
			if badLines++; badLines <= maxBadLinesShown {
				fmt.Fprintf(c.App.ErrWriter, "sipprobe: %s:%d: %v\n", results.Safe(shown), line, perr)
			}
			return nil
		}
		read++
		r.Messages = nil // the history never keeps the transcript (save.go)
		if batch = append(batch, r); len(batch) == importBatch {
			storeErr = flush()
		}
		return storeErr
	})
	if storeErr != nil {
		return false, added, storeErr
	}
	if err := flush(); err != nil {
		return false, added, err
	}
	if rerr != nil {
		fmt.Fprintf(c.App.ErrWriter, "sipprobe: %s: %v\n", results.Safe(shown), rerr)
	}
	n = read - added
	fmt.Fprintf(c.App.Writer, "%s: %s imported into %s", results.Safe(shown), plural.Count(added, "result", "results"), results.Safe(store.Path()))
	if n > 0 {
		fmt.Fprintf(c.App.Writer, ", %d already there", n)
	}
	if badLines > 0 {
		fmt.Fprintf(c.App.Writer, ", %s skipped", plural.Count(badLines, "bad line", "bad lines"))
	}
	fmt.Fprintln(c.App.Writer)
	return badLines == 0 && rerr == nil, added, nil
}
