package agent

import (
	"context"
	"strconv"
	"time"

	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// statusWindow is the history window of the status page: availability and
// the chart cover it.
const statusWindow = 24 * time.Hour

// statusSamples is how many recent results the chart of each probe draws.
const statusSamples = 120

// probeStatus is what the status page shows of one scheduled probe. The
// page renderer (page.go) takes its own input type; this is what the agent
// knows, gathered in one place for it.
type probeStatus struct {
	Name, Kind, Transport, Target string
	Status                        results.Status // "" before the first result
	DiagnosisID, Summary, Remedy  string
	LastRun                       time.Time
	// AvailabilityPct is over statusWindow; nil when nothing was judged.
	AvailabilityPct *float64
	Samples         []history.Entry // oldest first
	HasFailure      bool            // /probe/NAME/last has a failure to show
}

// statusRows gathers the status of every scheduled probe, in the order of
// the file.
func (a *Agent) statusRows(ctx context.Context) []probeStatus {
	cfg := a.Config()
	var rows []probeStatus
	for _, j := range cfg.Scheduled() {
		row := probeStatus{Name: j.Name, Kind: string(j.Kind), Target: j.Config.Target, Transport: j.Config.Transport}
		latest, _, ok, hasFailure := a.last.get(j.Name)
		row.HasFailure = hasFailure
		if ok {
			row.Kind, row.Target, row.Transport = latest.Probe, latest.Target, latest.Transport
			row.Status, row.LastRun = latest.Status, latest.StartedAt
			row.DiagnosisID, row.Summary = latest.Diagnosis.ID, latest.Diagnosis.Summary
			if len(latest.Diagnosis.Remedies) > 0 {
				row.Remedy = latest.Diagnosis.Remedies[0]
			}
		}
		sums, err := a.store.Summaries(ctx, history.Query{Name: j.Name, Since: time.Now().Add(-statusWindow), Recent: statusSamples})
		if err == nil && len(sums) == 1 {
			s := sums[0]
			row.AvailabilityPct = s.AvailabilityPct
			for i := len(s.Recent) - 1; i >= 0; i-- {
				if s.Recent[i].StartedAt.After(s.Window) {
					row.Samples = append(row.Samples, s.Recent[i])
				}
			}
			if !ok {
				row.Status, row.LastRun, row.DiagnosisID = s.Status, s.LastAt, ""
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func formatPct(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) + " %" }
