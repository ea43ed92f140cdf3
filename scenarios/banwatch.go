package scenarios

import (
	"context"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// serverLogins is what a run knows of one server host's logins: the
// history's record (asked once, at the run's first probe of the host) and
// this run's refused logins and SIP answers, in the order the probes
// finished. fail2ban bans the client address on every port and transport,
// so the host is the key.
type serverLogins struct {
	asked bool
	hist  results.ServerLogins
	// refused holds the times of this run's refused logins, oldest first;
	// pruned counts those dropped from its front, so pruned+i numbers
	// refused[i] in the order they were recorded.
	refused []time.Time
	pruned  int
	// lastAnswer is when a probe of this run last got a SIP answer that
	// was not a refusal, and answerAfter how many refusals were recorded
	// before it.
	lastAnswer  time.Time
	answerAfter int
}

// recorded is how many refusals this run has recorded at host so far.
func (s *serverLogins) recorded() int { return s.pruned + len(s.refused) }

// evidence is the catalogue's view: refusals at or after start (the
// window's start), older ones, the last one, and an answer after it. Of
// this run's refusals only the first upto recorded count: those made
// before the probe started. A refusal a parallel probe got while this one
// was in flight would make its note depend on which finished first.
func (s *serverLogins) evidence(start time.Time, window time.Duration, upto int) catalog.Refusals {
	ev := catalog.Refusals{Window: window}
	if h := s.hist; h.Refused > 0 {
		// The history counted its refusals within the window as it was
		// when asked; once its newest refusal has left the window, all
		// of them have.
		if h.LastRefused.Before(start) {
			ev.Earlier += h.Refused
		} else {
			ev.InWindow += h.RefusedRecent
			ev.Earlier += h.Refused - h.RefusedRecent
		}
		ev.Last = h.LastRefused
	}
	counted := s.refused[:min(len(s.refused), max(0, upto-s.pruned))]
	for _, t := range counted {
		if t.Before(start) {
			ev.Earlier++
		} else {
			ev.InWindow++
		}
		ev.Last = t
	}
	switch {
	case upto > 0:
		if s.answerAfter >= upto && !s.lastAnswer.IsZero() {
			ev.AnsweredAt = s.lastAnswer
		}
	case !s.lastAnswer.IsZero():
		// This run started after every refusal the history holds.
		ev.AnsweredAt = s.lastAnswer
	case s.hist.LastAnswer.After(s.hist.LastRefused):
		ev.AnsweredAt = s.hist.LastAnswer
	}
	return ev
}

// server returns host's record; st.mu must be held.
func (st *runState) server(host string) *serverLogins {
	if st.servers == nil {
		st.servers = map[string]*serverLogins{}
	}
	s := st.servers[host]
	if s == nil {
		st.forgetQuietServers()
		s = &serverLogins{}
		st.servers[host] = s
	}
	return s
}

// forgetQuietServers drops, once there are many, the hosts with no
// refused login on record: only refusals make ban evidence, and a
// Session may see a new host at every /probe of an any_target module.
// st.mu must be held.
func (st *runState) forgetQuietServers() {
	if len(st.servers) < maxIdleTargets {
		return
	}
	for h, s := range st.servers {
		if len(s.refused) == 0 && s.hist.Refused == 0 {
			delete(st.servers, h)
		}
	}
}

// lookback is how far back refusals are looked for: the ban window, or
// the cool-down when longer, so that older refusals are at least noted.
func (st *runState) lookback() time.Duration { return max(st.banWindow, st.cooldown) }

// refusalsOf asks the history about target's server, once per run, and
// returns what the probe's diagnosis calls for the ban evidence. It is
// called at diagnosis time, so answers that probes running in parallel
// got meanwhile count, as do refusals since; the window reaches back from
// the probe's start, since a ban the refusals triggered before it would
// still hold.
func (st *runState) refusalsOf(ctx context.Context, target string) func() catalog.Refusals {
	host := hostOf(target)
	from := st.clock.Now().Add(-st.banWindow)
	st.mu.Lock()
	asked := st.server(host).asked
	upto := st.server(host).recorded()
	st.mu.Unlock()
	if !asked && st.history != nil {
		now := st.clock.Now()
		h, err := st.history.ServerLogins(context.WithoutCancel(ctx), target, now.Add(-st.lookback()), now.Add(-st.banWindow))
		st.historyErr(err)
		st.mu.Lock()
		// Probes starting together may both ask; the first answer stays.
		// No result of this host was noted before it: each probe asks
		// before it runs.
		if s := st.server(host); !s.asked {
			s.asked, s.hist = true, h
		}
		st.mu.Unlock()
	}
	return func() catalog.Refusals {
		st.mu.Lock()
		defer st.mu.Unlock()
		return st.server(host).evidence(from, st.banWindow, upto)
	}
}

// noteLogin records what a judged result says about its server: a
// refused login, or a SIP answer. Unlike CredentialsRejected it counts
// negative tests too: the server's ban counter (fail2ban) does not know
// they were deliberate, and it bans the address on every port.
func (st *runState) noteLogin(r results.Result) {
	refused := r.FinalCode != 0 && catalog.RefusesLogin(r.ExchangeDiagnosis())
	if !refused && r.FinalCode == 0 && len(r.Responses) == 0 {
		return
	}
	now := st.clock.Now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.server(hostOf(r.Target))
	if !refused {
		s.lastAnswer, s.answerAfter = now, s.recorded()
		return
	}
	// Refusals older than the lookback tell nothing the history would
	// not drop too; pruning keeps a long run's memory flat.
	from := now.Add(-st.lookback())
	for len(s.refused) > 0 && s.refused[0].Before(from) {
		s.refused = s.refused[1:]
		s.pruned++
	}
	s.refused = append(s.refused, now)
}
