package results

import (
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// Why a probe was not sent (NotSent.Reason).
const (
	// NotSentCooldown: the account's credentials were refused in an
	// earlier run within the cool-down.
	NotSentCooldown = "cooldown"
	// NotSentRefused: they were refused earlier in this run (or, in the
	// agent, within the cool-down by another probe of the account).
	NotSentRefused = "refused"
)

// NotSent marks a result sipprobe made up instead of sending the probe:
// the account's credentials were refused before, and every repeat counts
// towards a fail2ban ban (DESIGN.md §4). Such a result keeps the refusal's
// status and diagnosis, the last known answer to "are the credentials
// accepted?" (a monitoring system must not flip to OK or UNKNOWN while the
// account is still refused), but it has no messages, responses or timings:
// renderers say it was not sent and emit no timing for it.
type NotSent struct {
	Reason string `json:"reason"`
	// Until is when the account is tried again; zero when not in this
	// run at all.
	Until time.Time `json:"until,omitzero"`
}

// notSentText says in a few words that r was not sent and until when,
// "" for a result that was sent: "not retried until 10:42, cool-down".
func notSentText(r Result, l catalog.Lang) string {
	ns := r.NotSent
	switch {
	case ns == nil:
		return ""
	case ns.Until.IsZero():
		return Msg(l, "not-sent-run")
	}
	return Msg(l, "not-sent-until", ClockOf(r.StartedAt, ns.Until), Msg(l, "not-sent-"+ns.Reason))
}

// ClockOf is t as a person near the machine reads it: the local time of
// day, with the date when it is not the day of now.
func ClockOf(now, t time.Time) string {
	lt, ln := t.Local(), now.Local()
	if lt.YearDay() == ln.YearDay() && lt.Year() == ln.Year() {
		return lt.Format("15:04")
	}
	return lt.Format("2006-01-02 15:04")
}
