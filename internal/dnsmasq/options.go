package dnsmasq

import (
	"fmt"
	"strings"
	"time"
)

// config is what the options set; it becomes dnsmasq's command line.
type config struct {
	records      []string
	startTimeout time.Duration
}

// Option configures a test dnsmasq.
type Option func(*config)

// WithSRV adds an SRV record (RFC 2782): name is the full owner name, like
// "_sip._udp.pbx.test", target the host it points to. Several records for
// one name make an RRset; the client orders them by priority and weight.
func WithSRV(name, target string, port, priority, weight int) Option {
	return func(c *config) {
		c.records = append(c.records, fmt.Sprintf("--srv-host=%s,%s,%d,%d,%d", name, target, port, priority, weight))
	}
}

// WithHost adds A and/or AAAA records for name, one per address (IPv4 or
// IPv6 literals). Test addresses should be loopback: a client will send to
// them.
func WithHost(name string, addrs ...string) Option {
	return func(c *config) {
		c.records = append(c.records, "--host-record="+strings.Join(append([]string{name}, addrs...), ","))
	}
}

// WithStartTimeout bounds the wait for the first answer (default 10 s).
func WithStartTimeout(d time.Duration) Option { return func(c *config) { c.startTimeout = d } }
