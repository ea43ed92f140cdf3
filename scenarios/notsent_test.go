package scenarios

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// A probe held back for ban safety keeps the refusal's verdict and says
// that nothing was sent, why, and when the account is tried again.
func TestHeldBackResultSaysNotSent(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.Local)
	refused := now.Add(-18 * time.Minute)
	tests := []struct {
		name    string
		run     func(t *testing.T) results.Result
		reason  string
		until   time.Time
		noteHas string
	}{
		{
			name: "refused in an earlier run, within the cool-down",
			run: func(t *testing.T) results.Result {
				h := &memHistory{last: map[string]results.Status{}, rejected: map[string]bool{AccountKey("pbx", "121"): true}, refusedAt: refused}
				r := NewRunner(WithRateLimit(0), WithProber((&fake{}).run), WithHistory(h), WithClock(&stepClock{now: now}), WithCooldown(time.Hour))
				got, _ := collect(t, r, context.Background(), jobsOf(regJob("reg-121", "121")))
				return got[0]
			},
			reason: results.NotSentCooldown, until: refused.Add(time.Hour), noteHas: "until 10:42",
		},
		{
			name: "refused earlier in this run",
			run: func(t *testing.T) results.Result {
				f := &fake{wrong: map[string]bool{"121": true}}
				r := NewRunner(WithRateLimit(0), WithParallel(1), WithProber(f.run), WithClock(&stepClock{now: now}))
				got, _ := collect(t, r, context.Background(), jobsOf(regJob("first", "121"), regJob("second", "121")))
				return got[1]
			},
			reason: results.NotSentRefused, noteHas: "refused earlier in this run",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run(t)
			if r.Status != results.StatusCritical || r.Diagnosis.ID != diagWrongPassword || r.FinalCode != 0 {
				t.Fatalf("result %s %s %d, want the refusal's verdict without a final code", r.Status, r.Diagnosis.ID, r.FinalCode)
			}
			if r.NotSent == nil || r.NotSent.Reason != tt.reason || !r.NotSent.Until.Equal(tt.until) {
				t.Fatalf("not_sent %+v, want reason %s until %v", r.NotSent, tt.reason, tt.until)
			}
			if notes := strings.Join(r.Diagnosis.Notes, " "); !strings.Contains(notes, tt.noteHas) {
				t.Errorf("notes %q lack %q", notes, tt.noteHas)
			}
		})
	}
}
