package testpbx

import (
	"slices"
	"time"
)

// RequestRecord is one request the PBX received, in arrival order. Tests use
// it to assert on client behaviour, e.g. "exactly one authenticated REGISTER
// per challenge" or "no request after the ban".
type RequestRecord struct {
	Method    string
	Time      time.Time
	HasAuth   bool   // carried Authorization or Proxy-Authorization
	Transport string // "udp", "tcp" or "tls"
	Source    string // remote host:port
	CallID    string
	CSeq      uint32
	// Retransmission is set when the request repeats one already answered
	// (same branch and method); the stored response was resent.
	Retransmission bool
	// Ignored is set when the PBX dropped the request unanswered because
	// the source is banned or a silence/close fault applied.
	Ignored bool
}

// Requests returns a copy of every request received so far.
func (p *PBX) Requests() []RequestRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.records)
}

// Banned reports whether WithBanAfter has banned the IP address ip.
func (p *PBX) Banned(ip string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.banned[ip]
}
