package history

import (
	"net"
	"strings"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// AccountKey names the account whose credentials a probe used: the server's
// host and the user, "user@host". It is what RejectedRecently takes.
//
// The key drops the URI scheme, parameters, transport and port on purpose:
// fail2ban and similar guards ban the client's address for failed logins
// whatever port or transport they came over, so for ban-safety
// "sip:pbx:5060;transport=udp" and "sips:pbx" are one account. Over-matching
// only skips an attempt (and says so); under-matching gets the admin banned.
func AccountKey(target, user string) string {
	if user == "" {
		return ""
	}
	return user + "@" + serverHost(target)
}

// normalizeAccount brings any "user@TARGET" key to AccountKey's form, so
// that a caller may pass the target as written in its scenario (the runner's
// scenarios.AccountKey) and still meet the results saved under the same
// server by another transport or port.
func normalizeAccount(key string) string {
	user, target, ok := strings.Cut(key, "@")
	if !ok || user == "" {
		return key
	}
	return AccountKey(target, user)
}

// serverHost reduces a TARGET (DESIGN.md §1) to its lower-cased host.
func serverHost(target string) string {
	t := strings.TrimSpace(target)
	lower := strings.ToLower(t)
	for _, scheme := range []string{"sips:", "sip:"} {
		if strings.HasPrefix(lower, scheme) {
			t = t[len(scheme):]
			break
		}
	}
	// URI parameters and headers (RFC 3261 §19.1.1) are not part of the host.
	if i := strings.IndexAny(t, ";?"); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndex(t, "@"); i >= 0 {
		t = t[i+1:]
	}
	if h, _, err := net.SplitHostPort(t); err == nil {
		t = h
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t, "["), "]")
	return strings.ToLower(strings.TrimSuffix(t, "."))
}

// NameOf is the name a result is filed under: the scenario's probe name, or
// for a one-off command "kind user@target/transport", so repeated cron runs
// of the same command line share a history.
func NameOf(r results.Result) string {
	if r.Name != "" {
		return r.Name
	}
	n := r.Probe + " "
	if r.User != "" {
		n += r.User + "@"
	}
	n += r.Target
	if r.Transport != "" {
		n += "/" + r.Transport
	}
	return n
}

// Credential verdicts stored with each result.
const (
	credRejected = "rejected"
	credAccepted = "accepted"
)

// credentialsVerdict says what a result tells about the account's
// credentials: refused, accepted, or nothing. Nothing is said without a
// user, without a final response (a timeout, or a result the runner made up
// for a probe it skipped — counting those would extend a cool-down forever),
// or by a negative test whose rejection was the expectation: that test sends
// a deliberately wrong password once per run, and must not hold back the
// account's real credentials. This matches scenarios.CredentialsRejected.
func credentialsVerdict(r results.Result) string {
	if r.User == "" || r.FinalCode == 0 {
		return ""
	}
	if catalog.RefusesLogin(r.ExchangeDiagnosis()) {
		if results.ExpectedRefusal(r) {
			return ""
		}
		return credRejected
	}
	if r.FinalCode >= 200 && r.FinalCode < 300 {
		return credAccepted
	}
	return ""
}
