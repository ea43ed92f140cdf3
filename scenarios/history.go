package scenarios

import (
	"context"
	"net"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// History is the store of past runs (implemented in results/history). The
// runner uses it for --notify-on-change and for ban safety across runs. A
// nil History disables both.
type History interface {
	// LastStatus is the status of the probe's previous run (ok=false if none).
	LastStatus(ctx context.Context, name string) (results.Status, bool, error)
	// RejectedRecently reports whether the account's credentials were
	// rejected at or after since (within the cool-down), and when.
	RejectedRecently(ctx context.Context, account string, since time.Time) (time.Time, bool, error)
	// ServerLogins reports, in one query, the logins target's server (its
	// host, any port or transport: fail2ban bans addresses, not accounts or
	// ports) refused since then, how many of them at or after recent, and
	// when it last answered SIP.
	ServerLogins(ctx context.Context, target string, since, recent time.Time) (results.ServerLogins, error)
	Save(ctx context.Context, runID string, r results.Result) error
}

// AccountKey names an account for ban safety: "user@host". Scheme, port,
// parameters and transport are dropped on purpose: fail2ban bans the
// client's address whatever port or transport the failed logins came over,
// so "sip:pbx:5060;transport=udp" and "sips:pbx" are one account.
// results/history normalizes keys the same way.
func AccountKey(target, user string) string { return user + "@" + hostOf(target) }

// hostOf reduces a TARGET (DESIGN.md §1) to its lower-cased host.
func hostOf(target string) string {
	t := strings.ToLower(strings.TrimSpace(target))
	for _, scheme := range []string{"sips:", "sip:"} {
		t = strings.TrimPrefix(t, scheme)
	}
	if i := strings.IndexAny(t, ";?"); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, '@'); i >= 0 {
		t = t[i+1:]
	}
	if h, _, err := net.SplitHostPort(t); err == nil {
		return h
	}
	return strings.Trim(t, "[]")
}

// AccountOf is the account a result's probe authenticated as, or "" when
// the probe had no user.
func AccountOf(r results.Result) string {
	if r.User == "" {
		return ""
	}
	return AccountKey(r.Target, r.User)
}

// CredentialsRejected reports whether r is a real rejection of the
// account's credentials, the kind that counts towards a fail2ban ban:
// a wrong-password diagnosis backed by a final response. It is false for a
// negative test that expected the rejection (a deliberate single attempt)
// and for results sipprobe made up without sending (skipped probes carry no
// final code), so skipping does not extend the cool-down forever.
func CredentialsRejected(r results.Result) bool {
	if r.ExchangeDiagnosis() != diagWrongPassword || r.FinalCode == 0 {
		return false
	}
	return !results.ExpectedRefusal(r)
}

const diagWrongPassword = "wrong-password"
