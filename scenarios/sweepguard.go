package scenarios

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/results"
)

// banSilence is how many sweep probes of one server in a row must get no
// answer at all, after refused logins there, before the sweep stops
// sending to that server. fail2ban's default action drops every packet of
// a banned address: from then on each probe is a timeout, and every one
// more is another attempt logged against us. One lost datagram is not a
// wave; five in a row, right after refusals, is a ban.
const banSilence = 5

// sweepGuard is the run's record of sweep probes per server host.
type sweepGuard struct {
	mu    sync.Mutex
	hosts map[string]*sweepHost
}

type sweepHost struct {
	silent  int    // sweep probes in a row with no SIP answer
	stopped string // why the sweep stopped sending here; "" while it goes on
	skipped int    // rows not sent since
}

// BanStop is a server a sweep stopped sending to, why, and how many rows
// were left unsent.
type BanStop struct {
	Host    string
	Why     string
	Skipped int
}

// sweepStopped returns a not-run result for j when the sweep stopped
// sending to its server.
func (st *runState) sweepStopped(j Job) (results.Result, bool) {
	if !j.Sweep {
		return results.Result{}, false
	}
	g := &st.guard
	host := hostOf(j.Config.Target)
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.hosts[host]
	if h == nil || h.stopped == "" {
		return results.Result{}, false
	}
	h.skipped++
	return notRun(j, st.clock.Now(), h.stopped), true
}

// noteSweep counts a sweep probe's answer or silence at its server, and
// stops the sweep there when the silence follows refused logins.
func (st *runState) noteSweep(ctx context.Context, r results.Result) {
	if ctx.Err() != nil || r.Diagnosis.ID == results.NotRunID {
		return // canceled or not sent: says nothing about the server
	}
	host := hostOf(r.Target)
	answered := r.FinalCode != 0 || len(r.Responses) > 0
	st.mu.Lock()
	refused := 0
	if s := st.servers[host]; s != nil {
		refused = len(s.refused) + s.hist.RefusedRecent
	}
	st.mu.Unlock()

	g := &st.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hosts == nil {
		g.hosts = map[string]*sweepHost{}
	}
	h := g.hosts[host]
	if h == nil {
		h = &sweepHost{}
		g.hosts[host] = h
	}
	if answered {
		h.silent = 0
		return
	}
	h.silent++
	if h.stopped == "" && h.silent >= banSilence && refused > 0 {
		h.stopped = fmt.Sprintf("the sweep stopped sending to %s: %d probes in a row got no answer after %s there, the pattern of a fail2ban (or pike) ban; more attempts would only prolong it. Once the ban is lifted and the refused accounts are fixed, run the rows not run again", host, h.silent, plural.Count(refused, "refused login", "refused logins"))
	}
}

// banStops lists the servers the sweep stopped sending to, by host.
func (st *runState) banStops() []BanStop {
	g := &st.guard
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []BanStop
	for host, h := range g.hosts {
		if h.stopped != "" {
			out = append(out, BanStop{Host: host, Why: h.stopped, Skipped: h.skipped})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}
