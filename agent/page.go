package agent

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// The status page at "/": one HTML document for a person, rendered from
// plain data so that it can be tested without a server. It has no script
// and loads nothing: the CSS is inline and the charts are inline SVG, so it
// works in a locked-down browser and from a jump host. Every string that
// came from a server or a config (reason phrases in summaries, names,
// targets) is data: html/template escapes markup and results.Safe shows
// control characters as visible escapes.

// defaultRefresh is how often the page reloads itself when Page.Refresh is
// zero: about the interval of a typical scheduled probe.
const defaultRefresh = 30 * time.Second

// Page is what the status page shows.
type Page struct {
	// Title heads the page; empty means "sipprobe status" in Lang.
	Title string
	// Lang is the agent's configured language (en or ru).
	Lang catalog.Lang
	// Generated is "now": ages are measured from it and times are shown
	// in its location. Zero means time.Now().
	Generated time.Time
	// Window is the history window availability covers (the Since of the
	// history.Query, e.g. 24h); 0 leaves it out of the column heading.
	Window time.Duration
	// Refresh is the <meta http-equiv="refresh"> period: 0 means 30 s, a
	// negative value turns it off.
	Refresh time.Duration
	// Probes in any order; the page lists the worst status first and keeps
	// this order within a status.
	Probes []ProbeRow
	// Unscheduled names the entries without an interval (run only on a
	// scrape of /probe?module=NAME); an empty page says so instead of
	// only "no probes".
	Unscheduled []string
}

// ProbeRow is one probe. RowOf fills it from the latest results.Result;
// AvailabilityPct comes from history.Summary (its Stats) and Samples from
// SampleOf (results kept in memory) or SamplesOf (history entries).
type ProbeRow struct {
	Name      string // the scenario entry's name (history.NameOf)
	Kind      string // options, register, invite, receive (Result.Probe)
	Transport string
	Target    string // as results report it, e.g. sip:pbx.example.com:5060
	// Status of the latest result; empty (not run yet) shows as unknown.
	Status      results.Status
	DiagnosisID string
	Summary     string // the diagnosis summary, in Lang
	FirstRemedy string // the first remedy, in Lang; empty for none
	// LastAt is when the latest result started; zero means not run yet.
	LastAt time.Time
	// NotSent is the latest result's results.NotSent: it was made up, not
	// sent (ban safety), and the row says until when instead of its age.
	NotSent *results.NotSent
	// AvailabilityPct is history.Stats.AvailabilityPct over Page.Window;
	// nil when nothing in the window could be judged.
	AvailabilityPct *float64
	// Samples feed the chart, in any order; the chart spans them.
	Samples []Sample
	// LastFailureURL links the full text result of the last failure
	// (e.g. /probe/NAME/last, path-escaped by the caller); empty for no
	// link.
	LastFailureURL string
}

// Sample is one point of the chart.
type Sample struct {
	At time.Time
	// Ms is the check time (setup time of a test call, total time
	// otherwise); 0 when no final response came, which the chart shows
	// as a tick on the baseline instead of a time.
	Ms     float64
	Status results.Status
	// NotSent marks a result made up without sending (results.NotSent):
	// no check, so the chart draws nothing for it.
	NotSent bool
}

// RowOf fills a row from the latest result of a probe (everything but
// AvailabilityPct, Samples and LastFailureURL).
func RowOf(r results.Result) ProbeRow {
	row := ProbeRow{
		Name:        history.NameOf(r),
		Kind:        r.Probe,
		Transport:   r.Transport,
		Target:      r.Target,
		Status:      r.Status,
		DiagnosisID: r.Diagnosis.ID,
		Summary:     r.Diagnosis.Summary,
		LastAt:      r.StartedAt,
		NotSent:     r.NotSent,
	}
	if len(r.Diagnosis.Remedies) > 0 {
		row.FirstRemedy = r.Diagnosis.Remedies[0]
	}
	return row
}

// SampleOf is the chart point of a result: its check time (results.Result
// CheckTime, the setup time of a test call), 0 when nothing answered.
func SampleOf(r results.Result) Sample {
	s := Sample{At: r.StartedAt, Status: r.Status, NotSent: r.NotSent != nil}
	if r.FinalCode > 0 {
		s.Ms = float64(r.CheckTime())
	}
	return s
}

// SamplesOf turns history entries (history.Summary.Recent, newest first)
// into chart points, with the same check time as SampleOf.
func SamplesOf(entries []history.Entry) []Sample {
	out := make([]Sample, 0, len(entries))
	for _, e := range entries {
		s := Sample{At: e.StartedAt, Status: e.Status, NotSent: madeUp(e)}
		if e.FinalCode > 0 {
			s.Ms = float64(e.CheckMs)
		}
		out = append(out, s)
	}
	return out
}

//go:embed page.tmpl
var pageSource string

// pageTemplate is parsed once, on the first page served and not in every
// sipprobe process; a template is safe for concurrent Execute.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageSource))
})

// WritePage renders p as a complete HTML document.
func WritePage(w io.Writer, p Page) error {
	if err := pageTemplate().Execute(w, viewOf(p)); err != nil {
		return fmt.Errorf("status page: %w", err)
	}
	return nil
}

// pageView is Page as the template shows it: every string final, in the
// page's language, control characters escaped.
type pageView struct {
	Lang, Title, Summary, Updated, RefreshNote string
	Refresh                                    int // seconds; 0 for none
	Headers                                    map[string]string
	NoProbes                                   string
	Rows                                       []rowView
}

type rowView struct {
	Name, Kind, Transport, Target string
	Status, StatusWord            string
	DiagnosisID, Summary, Remedy  string
	Age, AgeTitle, Availability   string
	FailureURL, FailureText       string
	Chart                         chart
	ChartLabel, NoData            string
}

func viewOf(p Page) pageView {
	lang := catalog.EN
	if p.Lang == catalog.RU {
		lang = catalog.RU
	}
	now := p.Generated
	if now.IsZero() {
		now = time.Now()
	}
	v := pageView{
		Lang:    string(lang),
		Title:   results.Safe(p.Title),
		Summary: summaryLine(lang, p.Probes),
		Updated: word(lang, "updated", now.Format("2006-01-02 15:04:05 MST")),
		Headers: map[string]string{},
	}
	if v.Title == "" {
		v.Title = word(lang, "title")
	}
	switch {
	case p.Refresh == 0:
		v.Refresh = int(defaultRefresh.Seconds())
	case p.Refresh > 0:
		v.Refresh = max(1, int(p.Refresh.Seconds()))
	}
	if v.Refresh > 0 {
		v.RefreshNote = word(lang, "refresh", v.Refresh)
	}
	for _, h := range []string{"th-status", "th-probe", "th-diagnosis", "th-last", "th-chart"} {
		v.Headers[h] = word(lang, h)
	}
	v.Headers["th-avail"] = word(lang, "th-avail")
	if p.Window > 0 {
		v.Headers["th-avail"] = word(lang, "th-avail-win", span(lang, p.Window))
	}
	if len(p.Probes) == 0 {
		v.NoProbes = word(lang, "no-probes")
		if len(p.Unscheduled) > 0 {
			names := make([]string, len(p.Unscheduled))
			for i, n := range p.Unscheduled {
				names[i] = results.Safe(n)
			}
			v.NoProbes += " " + word(lang, "unscheduled", strings.Join(names, ", "))
		}
	}
	rows := slices.Clone(p.Probes)
	slices.SortStableFunc(rows, byConcern)
	for _, r := range rows {
		v.Rows = append(v.Rows, rowOf(lang, now, r))
	}
	return v
}

func rowOf(lang catalog.Lang, now time.Time, r ProbeRow) rowView {
	st := statusOf(r.Status)
	v := rowView{
		Name:         results.Safe(r.Name),
		Kind:         results.Safe(r.Kind),
		Transport:    results.Safe(r.Transport),
		Target:       results.Safe(r.Target),
		Status:       string(st),
		StatusWord:   results.StatusWord(lang, st),
		DiagnosisID:  results.Safe(r.DiagnosisID),
		Summary:      results.Safe(r.Summary),
		Age:          age(lang, now, r.LastAt),
		Availability: availability(lang, r.AvailabilityPct),
		FailureURL:   r.LastFailureURL,
		Chart:        newChart(lang, now.Location(), r.Samples),
		ChartLabel:   word(lang, "chart-label", results.Safe(r.Name)),
	}
	if r.FirstRemedy != "" {
		v.Remedy = word(lang, "remedy", results.Safe(r.FirstRemedy))
	}
	if r.NotSent != nil {
		v.Age = notSentText(lang, now, r.NotSent)
	}
	if !r.LastAt.IsZero() {
		v.AgeTitle = r.LastAt.In(now.Location()).Format("2006-01-02 15:04:05 MST")
	}
	if v.FailureURL != "" {
		v.FailureText = word(lang, "last-failure")
	}
	if v.Chart.Empty() {
		v.NoData = word(lang, "no-data")
		if len(r.Samples) > 0 {
			v.NoData = word(lang, "nothing-sent")
		}
	}
	return v
}

// statusOf maps an empty or unexpected status to unknown, so every row and
// point has one of the four colours.
func statusOf(s results.Status) results.Status {
	switch s {
	case results.StatusOK, results.StatusWarning, results.StatusCritical:
		return s
	}
	return results.StatusUnknown
}

// byConcern orders rows worst first (critical, unknown, warning, ok: the
// order of results.Status.Worse), keeping the given order within a status,
// so the page answers "what needs me" before "what is fine".
func byConcern(a, b ProbeRow) int {
	sa, sb := statusOf(a.Status), statusOf(b.Status)
	switch {
	case sa.Worse(sb):
		return -1
	case sb.Worse(sa):
		return 1
	}
	return 0
}
