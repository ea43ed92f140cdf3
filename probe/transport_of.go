package probe

import "strings"

// FirstTransport is the transport a probe of c starts on (before any
// fallback): --transport, then the target's ;transport=, then tls for a
// sips: URI, else udp. It is "" when the target does not parse. The CLI's
// progress line says what it waits for with it.
func (c Config) FirstTransport() string {
	t, err := parseTarget(c.Target)
	if err != nil {
		return ""
	}
	return t.defaultTransport(strings.ToLower(c.Transport))
}
