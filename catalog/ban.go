package catalog

import (
	"strconv"
	"time"
)

// banThreshold is how many refused logins within the ban window make
// silence or a refusal a likely ban: fail2ban's maxretry is 3 to 5 in the
// usual Asterisk jails. Fewer are still noted, but a scenario's single
// negative test must not turn every later timeout of the run into a ban.
const banThreshold = 3

// DefaultBanWindow is fail2ban's default findtime: it bans an address when
// maxretry logins failed within this long.
const DefaultBanWindow = 10 * time.Minute

// Refusals is what the caller knows of the logins the probed server (its
// host: fail2ban bans the client address on every port and transport)
// refused lately, and whether it answered SIP after them: the evidence for
// or against a fail2ban ban. The runner computes it; the rules decide.
type Refusals struct {
	// InWindow counts the refused logins within Window before the probe.
	InWindow int
	// Earlier counts refused logins known from before the window; they are
	// noted, never taken for a ban.
	Earlier int
	// Window is the ban window the counts were made for (fail2ban's findtime).
	Window time.Duration
	// Last is when the server last refused a login; zero when never.
	Last time.Time
	// AnsweredAt is when the server last answered SIP after Last (any port
	// or transport); zero when it has not: only then can it have banned us.
	AnsweredAt time.Time
}

// banSuspected reports whether the exchange's silence or rejection is most
// likely a fail2ban ban: enough refusals within the window, and no SIP
// answer from the server since the last one, neither to another probe nor
// to this one (a 1xx, or the other transport tried after UDP silence).
// A probe of this very machine is never banned: fail2ban ignores the
// host's own addresses (ignoreself, default since 0.10) and loopback
// (ignoreip 127.0.0.1/8), so there its silence or closed port is what it
// looks like.
func banSuspected(ex Exchange) bool {
	r := ex.Refusals
	if r.InWindow < banThreshold || !r.AnsweredAt.IsZero() || ex.LocalPeer {
		return false
	}
	return !answeredHere(ex)
}

// answeredHere reports whether the server answered SIP within this probe.
func answeredHere(ex Exchange) bool {
	return len(ex.Provisional) > 0 || (ex.Alt != nil && ex.Alt.Answered)
}

// banOutcome reports whether the outcome is one a ban produces: silence,
// a closed port (fail2ban's default REJECT) or a firewall's prohibition.
func banOutcome(ex Exchange) bool {
	switch ex.Outcome {
	case OutcomeTimeout, OutcomeConnectTimeout, OutcomePortUnreachable, OutcomeRefused:
		return true
	case OutcomeHostUnreachable:
		return ex.Unreachable == UnreachProhibited
	}
	return false
}

// banNote picks the note on recent refusals for an outcome a ban could
// explain, so that the admin sees why it was or was not taken for one.
func banNote(ex Exchange, ch choice, lang Lang) (string, vars) {
	r := ex.Refusals
	if !banOutcome(ex) || r.InWindow+r.Earlier == 0 {
		return "", nil
	}
	// Too few refusals to be called a ban, and something rules one out
	// anyway (this machine, or a SIP answer since): a note would only
	// make the admin wonder.
	answered := !r.AnsweredAt.IsZero() || answeredHere(ex)
	if r.InWindow < banThreshold && (ex.LocalPeer || answered) {
		return "", nil
	}
	v := vars{"n": strconv.Itoa(r.InWindow), "window": windowText(r.Window, lang), "last": clockText(r.Last)}
	switch {
	case ch.id == "fail2ban-ban":
		return "ban-evidence", v
	case r.InWindow >= banThreshold && !r.AnsweredAt.IsZero():
		v["answered"] = clockText(r.AnsweredAt)
		return "ban-answered-since", v
	case r.InWindow >= banThreshold && ex.LocalPeer:
		return "ban-local", v
	case r.InWindow >= banThreshold:
		return "ban-answered-here", v
	case r.InWindow > 0:
		return "ban-few", v
	}
	v["n"] = strconv.Itoa(r.Earlier)
	return "ban-outside-window", v
}

// clockText is a time of day as an admin compares it with the server's log.
func clockText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("15:04:05")
}

// windowText words a ban window: "10 min", "90 s".
func windowText(d time.Duration, lang Lang) string {
	switch {
	case d <= 0:
		return ""
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + pick(lang, " h", " ч")
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + pick(lang, " min", " мин")
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + pick(lang, " s", " с")
	}
	return d.String()
}
