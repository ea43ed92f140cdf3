package scenarios

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// TestRunnerDeadline: at the deadline (less the cleanup margin) probes in
// flight are canceled and come back interrupted, probes not started are
// not run, and every job repetition is accounted for once.
func TestRunnerDeadline(t *testing.T) {
	prober := func(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result {
		if cfg.Target == "quick" {
			return results.Result{Status: results.StatusOK, FinalCode: 200}
		}
		<-ctx.Done() // a server that never answers
		// What probe.Run returns when its context is canceled (issue 8).
		return results.Result{Status: results.StatusUnknown, Diagnosis: catalog.Diagnosis{ID: "canceled", Severity: catalog.SeverityUnknown}}
	}
	js := []Job{{Name: "quick", Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: "quick"}}}
	for i := range 10 {
		js = append(js, Job{Name: fmt.Sprint("hang", i), Kind: probe.KindOptions, Repeat: 2, Config: probe.Config{Target: "silent"}})
	}
	r := NewRunner(WithParallel(2), WithRateLimit(0), WithProber(prober), WithDeadline(time.Now().Add(DeadlineMargin+30*time.Millisecond)))
	got, sum := collect(t, r, context.Background(), jobsOf(js...))
	if len(got) != 21 || sum.Total != 21 {
		t.Fatalf("%d results, want 21 (1 + 10 jobs × 2 repeats)", len(got))
	}
	if got[0].Name != "quick" || got[0].Status != results.StatusOK {
		t.Errorf("the probe done before the deadline: %+v", got[0])
	}
	interrupted, notRun := 0, 0
	for _, res := range got[1:] {
		if strings.Contains(res.Error, "deadline came before this probe started") {
			notRun++
		} else {
			interrupted++ // canceled in flight, keeping what it saw
		}
		if res.Status != results.StatusUnknown {
			t.Errorf("%s: status %s, want UNKNOWN", res.Name, res.Status)
		}
	}
	if interrupted > 2 || interrupted+notRun != 20 {
		t.Errorf("%d interrupted (at most --parallel), %d not run", interrupted, notRun)
	}
	if !sum.DeadlineReached || sum.Overall != results.StatusUnknown {
		t.Errorf("deadline reached %v, overall %s", sum.DeadlineReached, sum.Overall)
	}
}
