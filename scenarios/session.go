package scenarios

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// Session applies the ban-safety rules of a run to probes that belong to
// no run: `sipprobe serve` runs scheduled probes and on-demand /probe
// requests for as long as it lives, and they must share one per-server
// rate limit, one lock per account (a scheduled REGISTER and a scrape of
// the same account never overlap), the refusal cool-down and the ban
// evidence. Unlike a run, a Session forgets a refusal after the runner's
// cool-down, so a fixed password is tried again without a restart.
type Session struct {
	st *runState
}

// NewSession starts a session with the runner's settings. History errors
// go to onHistoryErr (nil drops them); they never stop a probe.
func (r *Runner) NewSession(onHistoryErr func(error)) *Session {
	st := &runState{Runner: r, acc: newAccounts(), lim: newLimiters(r.rate, rateBurst, r.clock)}
	st.acc.ttl, st.acc.clock = r.cooldown, r.clock
	st.onHistErr = onHistoryErr
	st.session = true
	if st.onHistErr == nil {
		st.onHistErr = func(error) {}
	}
	return &Session{st: st}
}

// Probe runs one repetition of j under the session's rules and returns its
// result, judged against j's expectation. It always returns a result: a
// probe skipped for ban safety or stopped by ctx before it started is
// reported as such, one canceled in flight comes back canceled after its
// own cleanup. The result is not saved: the caller owns the history.
func (s *Session) Probe(ctx context.Context, j Job) results.Result {
	return s.st.once(ctx, j)
}

// Jobs yields the jobs of the entry: one, or one per transport it fans out to.
func (p Probe) Jobs() iter.Seq[Job] { return p.jobs() }

// WithTarget is j sent to target instead of its server, keeping the
// scheme of the entry's server (sips: stays TLS). The account key follows
// the target: ban safety is about the server the credentials go to.
func (j Job) WithTarget(target string) Job {
	// The transport the entry would use (its ;transport= or sips:) must
	// survive the swap: credentials meant for TLS never go out over UDP.
	if j.Config.Transport == "" {
		j.Config.Transport = j.Config.FirstTransport()
	}
	if strings.HasPrefix(strings.ToLower(j.Config.Target), "sips:") {
		target = "sips:" + target
	}
	j.Config.Target = target
	if j.Account != "" {
		j.Account = AccountKey(target, j.Config.User)
	}
	return j
}

// skippedRejected is the result of a probe not sent because its account's
// credentials were refused: earlier in this run, or, in a Session, within
// the cool-down.
func (st *runState) skippedRejected(j Job, now time.Time, by string) results.Result {
	if !st.session {
		return skippedInRun(j, now, by)
	}
	r := skipped(j, now, fmt.Sprintf("Not sent: the credentials of %s were refused (probe %s) less than %s ago; sipprobe leaves the account alone that long so that fail2ban does not ban this host, then tries once again.", j.Config.User, by, st.cooldown))
	r.NotSent = &results.NotSent{Reason: results.NotSentRefused}
	if at, ok := st.acc.rejectedAt(j.Account); ok {
		r.NotSent.Until = at.Add(st.cooldown).UTC()
	}
	return r
}
