package agent

import (
	"slices"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// A result the runner made up instead of sending the probe (results.NotSent:
// the account's credentials were refused, and every repeat counts towards a
// fail2ban ban) is no check of the server. It keeps the refusal's status
// and diagnosis, but the agent must say it was not sent, and until when:
// the log line carries not_sent and until, the page row says "not sent:
// cool-down until 12:10", the chart draws no point for it, and the gauges
// of what only a sent probe measures (final code, duration, setup time)
// keep the last sent result's values instead of dropping to 0.

// notSentAttrs are the log attributes of a not-sent result (none for a
// sent one).
func notSentAttrs(r results.Result) []any {
	if r.NotSent == nil {
		return nil
	}
	attrs := []any{"not_sent", r.NotSent.Reason}
	if !r.NotSent.Until.IsZero() {
		attrs = append(attrs, "until", r.NotSent.Until.UTC().Format(time.RFC3339))
	}
	return attrs
}

// metricView is the result whose gauges the agent exposes for r: r itself
// when it was sent; for a not-sent r, r's status and diagnosis with the
// final code, timings and details of sent, the latest sent result of the
// same probe (hasSent false: r as it is, without those series). A refusal
// followed by a cool-down then stays final_code 401, not 0.
func metricView(r, sent results.Result, hasSent bool) results.Result {
	if r.NotSent == nil || !hasSent || sent.Target != r.Target || sent.Transport != r.Transport {
		return r
	}
	v := r
	v.NotSent = nil
	v.FinalCode, v.FinalReason = sent.FinalCode, sent.FinalReason
	v.Timings, v.Details = sent.Timings, sent.Details
	return v
}

// sentFromHistory is the latest sent result of r's probe the history
// holds (the same name, target and transport), for a not-sent result
// right after a start (nothing sent yet in this process): its final code
// and check time.
func (a *Agent) sentFromHistory(r results.Result) (results.Result, bool) {
	sums, err := a.store.Summaries(a.probeCtx, history.Query{Name: r.Name, Recent: statusSamples})
	if err != nil {
		return results.Result{}, false
	}
	i := slices.IndexFunc(sums, func(s history.Summary) bool { return s.Target == r.Target && s.Transport == r.Transport })
	if i < 0 {
		return results.Result{}, false
	}
	for _, e := range sums[i].Recent {
		if !e.NotSent {
			s := r
			s.FinalCode, s.FinalReason, s.Details = e.FinalCode, "", nil
			s.Timings = results.Timings{Total: e.TotalMs}
			return s, true
		}
	}
	return results.Result{}, false
}

// madeUp reports whether a history entry is a result the runner made up
// without sending (history.Entry.NotSent).
func madeUp(e history.Entry) bool { return e.NotSent }

// notSentText is the page's "not sent: cool-down until 12:10" of ns, in
// now's location, with the date when it is not now's day. In the agent
// every refusal with an end is a cool-down (a Session forgets a refusal
// after it, whichever probe saw it), so the reason is said only without
// an end.
func notSentText(lang catalog.Lang, now time.Time, ns *results.NotSent) string {
	if ns.Until.IsZero() {
		return word(lang, "not-sent", results.Msg(lang, "not-sent-"+ns.Reason))
	}
	u := ns.Until.In(now.Location())
	layout := "15:04"
	if u.YearDay() != now.YearDay() || u.Year() != now.Year() {
		layout = "2006-01-02 15:04"
	}
	return word(lang, "cooldown", u.Format(layout))
}
