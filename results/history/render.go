package history

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// TextOptions tune WriteText.
type TextOptions struct {
	Color  bool           // ANSI colours (terminals only)
	Now    time.Time      // for "3h ago"; zero means time.Now
	Detail bool           // one block per probe with its recent results, instead of a table
	Loc    *time.Location // display zone; nil means time.Local
	Lang   catalog.Lang   // language of the headings and status words; empty: English
}

// WriteJSON writes one JSON object per summary (JSON Lines), like the probe
// results themselves.
func WriteJSON(w io.Writer, sums []Summary) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range sums {
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes the summaries for a person: a table at a glance, or with
// Detail a block per probe listing its recent results. Stored text (names,
// targets, run ids) passes through results.Safe like any text output.
func WriteText(w io.Writer, sums []Summary, o TextOptions) error {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Loc == nil {
		o.Loc = time.Local
	}
	var b strings.Builder
	if o.Detail {
		for i, s := range sums {
			if i > 0 {
				b.WriteString("\n")
			}
			writeBlock(&b, s, o)
		}
	} else {
		writeTable(&b, sums, o)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTable(b *strings.Builder, sums []Summary, o TextOptions) {
	l := o.Lang
	width := func(s string) int { return utf8.RuneCountInString(s) }
	nameW, sinceW := width(results.Msg(l, "col-name")), width(results.Msg(l, "col-since"))
	statusW := width(results.Msg(l, "col-status"))
	resultsW, availW := max(7, width(results.Msg(l, "col-results"))), max(6, width(results.Msg(l, "col-avail")))
	since, names := make([]string, len(sums)), rowNames(sums)
	for i, s := range sums {
		since[i] = sinceText(s, o)
		nameW, sinceW = max(nameW, width(names[i])), max(sinceW, width(since[i]))
		statusW = max(statusW, width(results.StatusWord(l, s.Status)))
	}
	fmt.Fprintf(b, "%s  %s  %s  %s  %s  %9s  %9s  %s\n",
		results.Pad(results.Msg(l, "col-name"), nameW), results.Pad(results.Msg(l, "col-status"), statusW),
		results.Pad(results.Msg(l, "col-since"), sinceW), results.PadLeft(results.Msg(l, "col-results"), resultsW),
		results.PadLeft(results.Msg(l, "col-avail"), availW), "P50", "P95", results.Msg(l, "col-last"))
	for i, s := range sums {
		last := "-"
		if len(s.Recent) > 0 {
			last = results.Safe(s.Recent[0].Diagnosis)
		}
		// Pad before painting: escape codes would upset the column widths.
		st := results.Paint(o.Color, s.Status, results.Pad(results.StatusWord(l, s.Status), statusW))
		fmt.Fprintf(b, "%s  %s  %s  %s  %s  %9s  %9s  %s\n",
			results.Pad(names[i], nameW), st, results.Pad(since[i], sinceW), results.PadLeft(fmt.Sprint(s.Results), resultsW),
			results.PadLeft(pct(s.AvailabilityPct), availW), ms(s.P50), ms(s.P95), last)
	}
}

// rowNames are the table's names: a name that more than one row shares
// (one accounts file swept over UDP and TCP, two scenario files naming a
// probe alike) gets its target and transport, as in the detail view's
// heading, so that the rows can be told apart.
func rowNames(sums []Summary) []string {
	rows := map[string]int{}
	for _, s := range sums {
		rows[s.Name]++
	}
	out := make([]string, len(sums))
	for i, s := range sums {
		out[i] = s.Name
		if rows[s.Name] > 1 {
			out[i] = fmt.Sprintf("%s → %s (%s)", s.Name, s.Target, s.Transport)
		}
		out[i] = results.Safe(out[i])
	}
	return out
}

func writeBlock(b *strings.Builder, s Summary, o TextOptions) {
	l := o.Lang
	head := s.Name + " — " + s.Probe
	if s.User != "" {
		head += " " + s.User
	}
	b.WriteString(results.Safe(fmt.Sprintf("%s → %s (%s)", head, s.Target, s.Transport)) + "\n")
	st := results.Paint(o.Color, s.Status, results.StatusWord(l, s.Status))
	b.WriteString(results.Msg(l, "h-status", st, sinceText(s, o), stamp(s.LastAt, o)) + "\n")
	window := Span(o.Now.Sub(s.Window), l)
	if s.Judged > 0 {
		b.WriteString(results.Msg(l, "h-avail", pct(s.AvailabilityPct), s.Up, s.Judged, uncounted(s.Stats, l), window) + "\n")
	} else {
		b.WriteString(results.Msg(l, "h-avail-none", window, uncounted(s.Stats, l)) + "\n")
	}
	if s.P50 != nil {
		b.WriteString(results.Msg(l, "h-total", ms(s.P50), ms(s.P95)) + "\n")
	}
	if len(s.Recent) == 0 {
		return
	}
	b.WriteString(results.Msg(l, "h-recent") + "\n")
	for _, e := range s.Recent {
		code := "-"
		if e.FinalCode != 0 {
			code = fmt.Sprint(e.FinalCode)
		}
		run := results.Safe(e.RunID)
		if e.NotSent {
			run += " (" + results.Msg(l, "not-sent") + ")"
		}
		t := e.CheckMs
		stE := results.Paint(o.Color, e.Status, results.Pad(results.StatusWord(l, e.Status), 8))
		fmt.Fprintf(b, "  %s  %s  %3s  %s %9s  %s\n", stamp(e.StartedAt, o), stE, code, results.Pad(results.Safe(e.Diagnosis), 18), ms(&t), run)
	}
}

// uncounted says which results the availability leaves out and why, ""
// when none: "; not counted: 2 unknown, 1 not sent". Without it "0 of 1
// results" under a list of three reads as a miscount.
func uncounted(st Stats, l catalog.Lang) string {
	var parts []string
	if st.Unknown > 0 {
		parts = append(parts, results.Msg(l, "h-uncounted-unknown", st.Unknown))
	}
	if st.NotSent > 0 {
		parts = append(parts, results.Msg(l, "h-uncounted-not-sent", st.NotSent))
	}
	if len(parts) == 0 {
		return ""
	}
	return results.Msg(l, "h-uncounted", strings.Join(parts, ", "))
}

// sinceText says when the current status began, "(first seen)" when the
// history holds no other status, so the reader knows it may be older.
func sinceText(s Summary, o TextOptions) string {
	if !s.StatusChanged {
		return results.Msg(o.Lang, "h-first", stamp(s.StatusSince, o))
	}
	return stamp(s.StatusSince, o) + " (" + humanDuration(o.Now.Sub(s.StatusSince), o.Lang) + ")"
}

func stamp(t time.Time, o TextOptions) string { return t.In(o.Loc).Format("2006-01-02 15:04:05") }

// humanDuration is "3h12m ago" precision: what a person asks of "since when".
func humanDuration(d time.Duration, l catalog.Lang) string {
	if d < 0 {
		return results.Msg(l, "h-just-now")
	}
	return results.Msg(l, "h-ago", Span(d, l))
}

// Span rounds a duration to what a person reads: "45s", "12m", "3h05m", "9d".
func Span(d time.Duration, l catalog.Lang) string {
	switch {
	case d < time.Minute:
		return results.Msg(l, "unit-s", int(d.Seconds()))
	case d < time.Hour:
		return results.Msg(l, "unit-m", int(d.Minutes()))
	case d < 48*time.Hour && d%time.Hour > time.Minute:
		return results.Msg(l, "unit-hm", int(d.Hours()), int(d.Minutes())%60)
	case d < 48*time.Hour:
		return results.Msg(l, "unit-h", int(d.Hours()))
	}
	return results.Msg(l, "unit-d", int(d.Hours()/24))
}

func pct(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *p)
}

func ms(m *results.Millis) string {
	switch {
	case m == nil:
		return "-"
	case *m < 10:
		return fmt.Sprintf("%.2f ms", float64(*m))
	case *m < 1000:
		return fmt.Sprintf("%.1f ms", float64(*m))
	}
	return fmt.Sprintf("%.2f s", float64(*m)/1000)
}
