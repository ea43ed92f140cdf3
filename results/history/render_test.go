package history

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

func TestSpan(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{45 * time.Second, "45s"},
		{12 * time.Minute, "12m"},
		{24 * time.Hour, "24h"},
		{3*time.Hour + 5*time.Minute, "3h05m"},
		{9 * 24 * time.Hour, "9d"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Span(tt.in, catalog.EN); got != tt.want {
				t.Fatalf("Span(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWriteTextColor checks that colour codes do not shift the columns.
func TestWriteTextColor(t *testing.T) {
	a, c := 100.0, results.Millis(1)
	sums := []Summary{
		{Name: "a", Status: results.StatusOK, StatusSince: t0, Stats: Stats{Results: 1, AvailabilityPct: &a, P50: &c, P95: &c}},
		{Name: "bb", Status: results.StatusCritical, StatusSince: t0, StatusChanged: true},
	}
	var plain, color bytes.Buffer
	o := TextOptions{Now: t0.Add(time.Hour), Loc: time.UTC}
	_ = WriteText(&plain, sums, o)
	o.Color = true
	_ = WriteText(&color, sums, o)
	strip := strings.NewReplacer("\x1b[0m", "", "\x1b[31m", "", "\x1b[32m", "", "\x1b[33m", "")
	if strip.Replace(color.String()) != plain.String() {
		t.Fatalf("colour changed the layout:\n%s\n%s", plain.String(), color.String())
	}
	if !strings.Contains(plain.String(), "2026-11-21 10:00:00 (1h ago)") {
		t.Fatalf("since column:\n%s", plain.String())
	}
}
