package agent

import (
	"math"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

func TestChartGeometry(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	ok, crit := results.StatusOK, results.StatusCritical
	mid := (chartLeft + chartRight) / 2
	type pt struct{ x, y float64 }
	tests := []struct {
		name      string
		samples   []Sample
		points    []pt
		misses    []float64 // x of each miss
		lines     int
		top       string
		from, to  string
		wantEmpty bool
	}{
		{name: "no samples", wantEmpty: true},
		{
			name:    "one sample sits in the middle at its height",
			samples: []Sample{{At: at(0), Ms: 40, Status: ok}},
			// 40 ms under a 50 ms top: 4/5 of the plot height.
			points: []pt{{mid, chartBottom - 0.8*(chartBottom-chartTop)}},
			top:    "50 ms", from: "10:00",
		},
		{
			name: "many samples span the width, oldest left, in time order whatever the input order",
			samples: []Sample{
				{At: at(60), Ms: 20, Status: ok},
				{At: at(0), Ms: 10, Status: ok},
				{At: at(30), Ms: 15, Status: results.StatusWarning},
			},
			points: []pt{
				{chartLeft, chartBottom - 0.5*(chartBottom-chartTop)},
				{mid, chartBottom - 0.75*(chartBottom-chartTop)},
				{chartRight, chartTop},
			},
			lines: 1, top: "20 ms", from: "10:00", to: "11:00",
		},
		{
			name: "all equal values draw a flat line at the top",
			samples: []Sample{
				{At: at(0), Ms: 5, Status: ok}, {At: at(10), Ms: 5, Status: ok}, {At: at(20), Ms: 5, Status: ok},
			},
			points: []pt{{chartLeft, chartTop}, {mid, chartTop}, {chartRight, chartTop}},
			lines:  1, top: "5 ms", from: "10:00", to: "10:20",
		},
		{
			name: "all at the same instant stack in the middle",
			samples: []Sample{
				{At: at(0), Ms: 100, Status: ok}, {At: at(0), Ms: 100, Status: ok},
			},
			points: []pt{{mid, chartTop}, {mid, chartTop}},
			lines:  1, top: "100 ms", from: "10:00",
		},
		{
			name: "an unanswered sample is a tick on the baseline that breaks the line",
			samples: []Sample{
				{At: at(0), Ms: 1, Status: ok}, {At: at(10), Ms: 2, Status: ok},
				{At: at(20), Ms: 0, Status: crit},
				{At: at(30), Ms: 2, Status: ok}, {At: at(40), Ms: math.NaN(), Status: crit},
			},
			points: []pt{
				{chartLeft, chartBottom - 0.5*(chartBottom-chartTop)},
				{chartLeft + 0.25*(chartRight-chartLeft), chartTop},
				{chartLeft + 0.75*(chartRight-chartLeft), chartTop},
			},
			misses: []float64{mid, chartRight},
			lines:  1, top: "2 ms", from: "10:00", to: "10:40",
		},
		{
			name:    "only unanswered samples: ticks, no top label",
			samples: []Sample{{At: at(0), Status: crit}, {At: at(5), Status: crit}},
			misses:  []float64{chartLeft, chartRight},
			from:    "10:00", to: "10:05",
		},
		{
			name:    "a span of days shows the date",
			samples: []Sample{{At: at(0), Ms: 1500, Status: ok}, {At: at(3 * 24 * 60), Ms: 700, Status: ok}},
			points: []pt{
				{chartLeft, chartBottom - 0.75*(chartBottom-chartTop)},
				{chartRight, chartBottom - 0.35*(chartBottom-chartTop)},
			},
			lines: 1, top: "2 s", from: "12-02 10:00", to: "12-05 10:00",
		},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newChart(catalog.EN, time.UTC, tc.samples)
			if c.Empty() != tc.wantEmpty {
				t.Fatalf("Empty() = %v, want %v", c.Empty(), tc.wantEmpty)
			}
			if len(c.Points) != len(tc.points) {
				t.Fatalf("%d points, want %d: %+v", len(c.Points), len(tc.points), c.Points)
			}
			for i, p := range tc.points {
				if got := c.Points[i]; !near(got.X, p.x) || !near(got.Y, p.y) {
					t.Errorf("point %d at (%.2f, %.2f), want (%.2f, %.2f)", i, got.X, got.Y, p.x, p.y)
				}
			}
			if len(c.Misses) != len(tc.misses) {
				t.Fatalf("%d misses, want %d: %+v", len(c.Misses), len(tc.misses), c.Misses)
			}
			for i, x := range tc.misses {
				if got := c.Misses[i]; !near(got.X, x) || got.Y != chartBottom || got.Status != results.StatusCritical {
					t.Errorf("miss %d = %+v, want x %.2f on the baseline, critical", i, got, x)
				}
			}
			if len(c.Lines) != tc.lines {
				t.Errorf("%d lines, want %d: %q", len(c.Lines), tc.lines, c.Lines)
			}
			if c.Top != tc.top || c.From != tc.from || c.To != tc.to {
				t.Errorf("labels top %q from %q to %q, want %q %q %q", c.Top, c.From, c.To, tc.top, tc.from, tc.to)
			}
			for _, p := range append(c.Points, c.Misses...) {
				if p.X < chartLeft || p.X > chartRight || p.Y < chartTop || p.Y > chartBottom {
					t.Errorf("point %+v outside the plot area", p)
				}
			}
		})
	}
}

func TestChartLabelsInRussian(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	c := newChart(catalog.RU, time.UTC, []Sample{
		{At: at, Ms: 41.3, Status: results.StatusOK},
		{At: at.Add(time.Minute), Status: results.StatusCritical},
	})
	if c.Top != "50 мс" {
		t.Errorf("top %q, want 50 мс", c.Top)
	}
	if want := "2026-12-02 10:00:00 · 41,3 мс · ОК"; c.Points[0].Label != want {
		t.Errorf("point label %q, want %q", c.Points[0].Label, want)
	}
	if want := "2026-12-02 10:01:00 · нет ответа · КРИТИЧНО"; c.Misses[0].Label != want {
		t.Errorf("miss label %q, want %q", c.Misses[0].Label, want)
	}
}

func TestTick(t *testing.T) {
	tests := []struct {
		in     float64
		en, ru string
	}{
		{0.5, "0.5 ms", "0,5 мс"}, {0.02, "0.02 ms", "0,02 мс"}, {5, "5 ms", "5 мс"}, {200, "200 ms", "200 мс"},
		{1000, "1 s", "1 с"}, {5000, "5 s", "5 с"}, {20000, "20 s", "20 с"},
	}
	for _, tc := range tests {
		if got := tick(catalog.EN, tc.in); got != tc.en {
			t.Errorf("tick(en, %v) = %q, want %q", tc.in, got, tc.en)
		}
		if got := tick(catalog.RU, tc.in); got != tc.ru {
			t.Errorf("tick(ru, %v) = %q, want %q", tc.in, got, tc.ru)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0, 0}, {-3, 0}, {0.3, 0.5}, {1, 1}, {1.01, 2}, {2, 2}, {2.5, 5}, {7, 10}, {10, 10}, {41, 50}, {999, 1000}, {1200, 2000},
	}
	for _, tc := range tests {
		if got := niceCeil(tc.in); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("niceCeil(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
