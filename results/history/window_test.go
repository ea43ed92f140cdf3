package history

import (
	"errors"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"24h", t0.Add(-24 * time.Hour)},
		{"90m", t0.Add(-90 * time.Minute)},
		{"7d", t0.AddDate(0, 0, -7)},
		{"1.5d", t0.Add(-36 * time.Hour)},
		{"2w", t0.AddDate(0, 0, -14)},
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
		{"2026-11-20 08:30", time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)},
		{"2026-11-20T08:30:00+02:00", time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSince(tt.in, t0)
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "yesterday", "-1h", "0s", "d", "1e9d", "2026-13-01"} {
		t.Run("bad-"+bad, func(t *testing.T) {
			if _, err := ParseSince(bad, t0); !errors.Is(err, ErrBadSince) {
				t.Fatalf("ParseSince(%q) err = %v, want ErrBadSince", bad, err)
			}
		})
	}
}
