package history

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// TextOptions tune WriteText.
type TextOptions struct {
	Color  bool           // ANSI colours (terminals only)
	Now    time.Time      // for "3h ago"; zero means time.Now
	Detail bool           // one block per probe with its recent results, instead of a table
	Loc    *time.Location // display zone; nil means time.Local
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
// Detail a block per probe listing its recent results.
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
	nameW, sinceW := len("NAME"), len("SINCE")
	since := make([]string, len(sums))
	for i, s := range sums {
		since[i] = sinceText(s, o)
		nameW, sinceW = max(nameW, len(s.Name)), max(sinceW, len(since[i]))
	}
	fmt.Fprintf(b, "%-*s  %-8s  %-*s  %7s  %6s  %9s  %9s  %s\n",
		nameW, "NAME", "STATUS", sinceW, "SINCE", "RESULTS", "AVAIL", "P50", "P95", "LAST DIAGNOSIS")
	for i, s := range sums {
		last := "-"
		if len(s.Recent) > 0 {
			last = s.Recent[0].Diagnosis
		}
		// Pad before painting: escape codes would upset the column widths.
		st := results.Paint(o.Color, s.Status, fmt.Sprintf("%-8s", strings.ToUpper(string(s.Status))))
		fmt.Fprintf(b, "%-*s  %s  %-*s  %7d  %6s  %9s  %9s  %s\n",
			nameW, s.Name, st, sinceW, since[i], s.Results, pct(s.AvailabilityPct), ms(s.P50), ms(s.P95), last)
	}
}

func writeBlock(b *strings.Builder, s Summary, o TextOptions) {
	head := s.Name + " — " + s.Probe
	if s.User != "" {
		head += " " + s.User
	}
	fmt.Fprintf(b, "%s → %s (%s)\n", head, s.Target, s.Transport)
	st := results.Paint(o.Color, s.Status, strings.ToUpper(string(s.Status)))
	fmt.Fprintf(b, "Status:       %s since %s, last run %s\n", st, sinceText(s, o), stamp(s.LastAt, o))
	window := span(o.Now.Sub(s.Window))
	if s.Judged > 0 {
		fmt.Fprintf(b, "Availability: %s (%d of %d results ok or warning) over the last %s\n", pct(s.AvailabilityPct), s.Up, s.Judged, window)
	} else {
		fmt.Fprintf(b, "Availability: - (no result to judge in the last %s)\n", window)
	}
	if s.P50 != nil {
		fmt.Fprintf(b, "Total time:   p50 %s, p95 %s (answered results)\n", ms(s.P50), ms(s.P95))
	}
	if len(s.Recent) == 0 {
		return
	}
	b.WriteString("Recent:\n")
	for _, e := range s.Recent {
		code := "-"
		if e.FinalCode != 0 {
			code = fmt.Sprint(e.FinalCode)
		}
		t := e.TotalMs
		stE := results.Paint(o.Color, e.Status, fmt.Sprintf("%-8s", strings.ToUpper(string(e.Status))))
		fmt.Fprintf(b, "  %s  %s  %3s  %-18s %9s  %s\n", stamp(e.StartedAt, o), stE, code, e.Diagnosis, ms(&t), e.RunID)
	}
}

// sinceText says when the current status began, "(first seen)" when the
// history holds no other status, so the reader knows it may be older.
func sinceText(s Summary, o TextOptions) string {
	ago := humanDuration(o.Now.Sub(s.StatusSince))
	if !s.StatusChanged {
		return stamp(s.StatusSince, o) + " (first)"
	}
	return stamp(s.StatusSince, o) + " (" + ago + ")"
}

func stamp(t time.Time, o TextOptions) string { return t.In(o.Loc).Format("2006-01-02 15:04:05") }

// humanDuration is "3h12m ago" precision: what a person asks of "since when".
func humanDuration(d time.Duration) string {
	if d < 0 {
		return "just now"
	}
	return span(d) + " ago"
}

// span rounds a duration to what a person reads: "45s", "12m", "3h05m", "9d".
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour && d%time.Hour > time.Minute:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
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
