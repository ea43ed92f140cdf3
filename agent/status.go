package agent

import (
	"context"
	"net/url"
	"slices"
	"time"

	"github.com/sipprobe/sipprobe/results/history"
)

// statusWindow is the history window of the status page: availability and
// the chart cover it.
const statusWindow = 24 * time.Hour

// statusSamples is how many recent results the chart of each probe draws.
const statusSamples = 120

// statusPage gathers the page of every scheduled probe, in the order of
// the file: the latest result the agent holds, and availability and the
// chart's samples from the history.
func (a *Agent) statusPage(ctx context.Context) Page {
	cfg := a.Config()
	p := Page{Title: "sipprobe", Lang: cfg.Lang, Generated: time.Now(), Window: statusWindow, Unscheduled: cfg.Unscheduled()}
	for _, j := range cfg.Scheduled() {
		row := ProbeRow{Name: j.Name, Kind: string(j.Kind), Target: j.Config.Target, Transport: j.Config.Transport}
		latest, _, ok, hasFailure := a.last.get(j.Name)
		if ok {
			row = RowOf(latest)
			row.Name = j.Name
		}
		if hasFailure {
			row.LastFailureURL = "/probe/" + url.PathEscape(j.Name) + "/last"
		}
		sums, err := a.store.Summaries(ctx, history.Query{Name: j.Name, Since: time.Now().Add(-statusWindow), Recent: statusSamples})
		if err == nil && len(sums) > 0 {
			// One summary per target and transport: a probe whose target
			// changed has an older one too; the page shows the current.
			s := slices.MaxFunc(sums, func(a, b history.Summary) int { return a.LastAt.Compare(b.LastAt) })
			row.AvailabilityPct = s.AvailabilityPct
			var recent []history.Entry
			for _, e := range s.Recent {
				if e.StartedAt.After(s.Window) {
					recent = append(recent, e)
				}
			}
			row.Samples = SamplesOf(recent)
			if !ok {
				row.Status, row.LastAt = s.Status, s.LastAt
			}
		}
		p.Probes = append(p.Probes, row)
	}
	return p
}
