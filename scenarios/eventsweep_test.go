package scenarios

import (
	"context"
	"testing"

	"github.com/sipprobe/sipprobe/probe"
)

// Event.Sweep tells the outputs which results are rows of an accounts
// file, also for rows that never ran.
func TestEventMarksSweepRows(t *testing.T) {
	jobs := func() []Job {
		row := regJob("mig/u1", "u1")
		row.Sweep = true
		return []Job{{Name: "alive", Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: "pbx"}}, row}
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name string
		ctx  context.Context
	}{
		{"probes that ran", context.Background()},
		{"probes not run", canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]bool{}
			_, err := NewRunner(WithRateLimit(0), WithProber((&fake{}).run)).Run(tt.ctx, jobsOf(jobs()...), func(ev Event) error {
				got[ev.Result.Name] = ev.Sweep
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got["alive"] || !got["mig/u1"] {
				t.Errorf("Sweep by name %v, want alive false, mig/u1 true", got)
			}
		})
	}
}
