package agent

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// The chart of one probe: its check times over the samples' span, drawn as
// inline SVG (no script, no external asset). The y axis starts at 0 ms so
// that the height of a point is proportional to its time, and ends at a
// round value just above the slowest answer; the x axis runs from the
// oldest to the newest sample. Answered samples are points coloured by
// status, joined by a line; a sample without an answer (a timeout) has no
// time worth plotting — its duration is our timeout, not the server's — so
// it is a status-coloured tick on the baseline that breaks the line.
const (
	chartW      = 240.0 // viewBox width
	chartH      = 64.0  // viewBox height
	chartLeft   = 4.0   // first x of the plot area
	chartRight  = 236.0 // last x of the plot area
	chartTop    = 13.0  // y of the top value (the label sits above it)
	chartBottom = 50.0  // y of 0 ms, the baseline
)

// chartPoint is one sample placed in the viewBox.
type chartPoint struct {
	X, Y   float64
	Status results.Status
	Label  string // tooltip: time, check time, status
}

// chart is the geometry the template draws.
type chart struct {
	// Lines are polyline "x,y x,y" lists, one per run of two or more
	// consecutive answered samples.
	Lines []string
	// Points are the answered samples, Misses the unanswered ones (on the
	// baseline), both oldest first.
	Points, Misses []chartPoint
	// Top labels the top of the y axis ("200 ms"); empty without an answer.
	Top string
	// From and To label the ends of the x axis; To is empty when every
	// sample has the same time.
	From, To string
}

// Empty reports whether there is nothing to draw.
func (c chart) Empty() bool { return len(c.Points) == 0 && len(c.Misses) == 0 }

// newChart lays samples (any order) out; times are shown in loc.
func newChart(lang catalog.Lang, loc *time.Location, samples []Sample) chart {
	var c chart
	if len(samples) == 0 {
		return c
	}
	// A result made up without sending is no check: nothing to draw.
	s := slices.DeleteFunc(slices.Clone(samples), func(p Sample) bool { return p.NotSent })
	if len(s) == 0 {
		return c
	}
	slices.SortStableFunc(s, func(a, b Sample) int { return a.At.Compare(b.At) })
	first, last := s[0].At, s[len(s)-1].At
	maxMs := 0.0
	for _, p := range s {
		if answered(p) {
			maxMs = max(maxMs, p.Ms)
		}
	}
	top := niceCeil(maxMs)
	if top > 0 {
		c.Top = tick(lang, top)
	}
	layout := "15:04"
	if last.Sub(first) >= 24*time.Hour {
		layout = "01-02 15:04"
	}
	c.From = first.In(loc).Format(layout)
	if last.After(first) {
		c.To = last.In(loc).Format(layout)
	}
	var run []string
	flush := func() {
		if len(run) > 1 {
			c.Lines = append(c.Lines, strings.Join(run, " "))
		}
		run = nil
	}
	for _, p := range s {
		pt := chartPoint{X: xOf(p.At, first, last), Y: chartBottom, Status: statusOf(p.Status)}
		when := p.At.In(loc).Format("2006-01-02 15:04:05")
		st := results.StatusWord(lang, pt.Status)
		if !answered(p) {
			pt.Label = when + " · " + word(lang, "no-answer") + " · " + st
			c.Misses = append(c.Misses, pt)
			flush()
			continue
		}
		pt.Y = chartBottom - p.Ms/top*(chartBottom-chartTop)
		pt.Label = when + " · " + millis(lang, p.Ms) + " · " + st
		c.Points = append(c.Points, pt)
		run = append(run, fmt.Sprintf("%.1f,%.1f", pt.X, pt.Y))
	}
	flush()
	return c
}

// answered reports whether a sample has a time to plot; NaN and infinities
// (a filler's bug) count as unanswered rather than breaking the layout.
func answered(s Sample) bool {
	return s.Ms > 0 && !math.IsInf(s.Ms, 0) && !math.IsNaN(s.Ms)
}

// xOf places t between first and last; a single instant sits in the middle.
func xOf(t, first, last time.Time) float64 {
	total := last.Sub(first)
	if total <= 0 {
		return (chartLeft + chartRight) / 2
	}
	return chartLeft + float64(t.Sub(first))/float64(total)*(chartRight-chartLeft)
}

// tick labels a round axis value with no more digits than it has: "50 ms",
// "0.5 ms", "2 s".
func tick(lang catalog.Lang, v float64) string {
	id := "ms"
	if v >= 1000 {
		id, v = "sec", v/1000
	}
	return word(lang, id, number(lang, v, max(0, int(-math.Floor(math.Log10(v))))))
}

// niceCeil is the smallest 1, 2 or 5 times a power of ten at or above v
// (0 for v <= 0): a y-axis top a person reads without effort.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}
