package sipp

import (
	"maps"
	"time"
)

// config is what the options set.
type config struct {
	calls     int
	rate      int
	timeout   time.Duration
	transport string
	domain    string
	users     map[string]string
	args      []string
}

func defaultConfig() config {
	return config{calls: 1, timeout: 30 * time.Second, transport: "udp", domain: "pbx.test"}
}

// Option configures a SIPp run.
type Option func(*config)

// WithCalls sets how many calls SIPp handles before it exits (-m).
func WithCalls(n int) Option { return func(c *config) { c.calls = n } }

// WithRate sets the UAC call rate in calls per second (-r, -rp 1000).
func WithRate(perSecond int) Option { return func(c *config) { c.rate = perSecond } }

// WithTimeout bounds the whole SIPp run (-timeout, default 30 s), so that a
// scenario waiting for a message that never comes cannot hang a test.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithTransport selects "udp" (default) or "tcp"; the Debian SIPp has no TLS.
func WithTransport(t string) Option { return func(c *config) { c.transport = t } }

// WithDomain sets [domain] in the scenario (default pbx.test), the
// registrar's domain in RegisterUAC.
func WithDomain(d string) Option { return func(c *config) { c.domain = d } }

// WithUsers gives the accounts (user -> password) for RegisterUAC as an
// injection file: [field0] is the user, [field1] the password. Calls take
// them in order, wrapping around.
func WithUsers(users map[string]string) Option {
	return func(c *config) { c.users = maps.Clone(users) }
}

// WithArgs appends raw SIPp arguments, for what the options do not cover.
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}
