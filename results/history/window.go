package history

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseSince reads a window start the way people write it in a cron job or
// at a prompt: a look-back duration ("24h", "90m", and the "7d"/"2w" that
// Go durations lack), or an absolute date or RFC 3339 time (local time
// when no zone is given).
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := lookBack(s); ok {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("%q: %w", s, ErrBadSince)
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: %w", s, ErrBadSince)
}

func lookBack(s string) (time.Duration, bool) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v > 1e5 {
				return 0, false
			}
			return time.Duration(v * float64(unit)), true
		}
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}
