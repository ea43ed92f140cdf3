package testpbx

import (
	"bytes"
	"math/rand/v2"
	"slices"
)

// Fault is a way for the PBX to misbehave on the wire; pass it to WithFault.
// The unexported method keeps the set closed: every fault is one of the
// constants or constructors below.
type Fault interface {
	spec() faultSpec
}

// BasicFault is a fault that needs no parameter.
type BasicFault int

const (
	// FaultSilence drops the request: no response, no state change, as if
	// a firewall ate it.
	FaultSilence BasicFault = iota + 1
	// FaultGarbage answers with a datagram (or TCP write) of random bytes
	// that is not SIP, and does not process the request.
	FaultGarbage
	// FaultNoVia processes the request normally but strips every Via
	// header from the responses, so a client cannot match them.
	FaultNoVia
	// FaultTruncated processes the request but cuts every response in the
	// middle of its headers; over TCP/TLS the connection is then closed, as
	// a crashing server would.
	FaultTruncated
	// FaultCloseTCP closes the TCP/TLS connection right after reading the
	// request, without answering or processing it. Over UDP it is silence.
	FaultCloseTCP
)

type faultKind int

const (
	kindNone faultKind = iota
	kindSilence
	kindGarbage
	kindNoVia
	kindTruncated
	kindCloseTCP
	kindBurst
	kindReason
)

// faultSpec is the resolved form of any Fault.
type faultSpec struct {
	kind   faultKind
	n      int
	code   int
	reason string
}

func (f BasicFault) spec() faultSpec {
	switch f {
	case FaultSilence:
		return faultSpec{kind: kindSilence}
	case FaultGarbage:
		return faultSpec{kind: kindGarbage}
	case FaultNoVia:
		return faultSpec{kind: kindNoVia}
	case FaultTruncated:
		return faultSpec{kind: kindTruncated}
	case FaultCloseTCP:
		return faultSpec{kind: kindCloseTCP}
	}
	return faultSpec{}
}

type burstFault int

func (f burstFault) spec() faultSpec { return faultSpec{kind: kindBurst, n: int(f)} }

// FaultProvisionalBurst sends n provisional responses before the final one:
// 100 Trying for non-INVITE requests, alternating 100 Trying and 180 Ringing
// for INVITE. It stresses clients that mishandle many 1xx (sipgo #306).
func FaultProvisionalBurst(n int) Fault { return burstFault(n) }

type reasonFault reply

func (f reasonFault) spec() faultSpec {
	return faultSpec{kind: kindReason, code: f.code, reason: f.reason}
}

// FaultReason answers the request with exactly this status line (any code,
// any phrase, no other processing), for reason-phrase variants such as
// "480 Codec Mismatch" or "403 No Such User".
func FaultReason(code int, reason string) Fault { return reasonFault{code, reason} }

func (s faultSpec) validate() error {
	switch s.kind {
	case kindNone:
		return invalid("unknown fault")
	case kindBurst:
		if s.n < 1 || s.n > 1000 {
			return invalid("provisional burst of %d", s.n)
		}
	case kindReason:
		return validReply(s.code, s.reason)
	}
	return nil
}

// faultRule binds a fault to methods; used counts matches so far (guarded by
// PBX.mu) when limit is set.
type faultRule struct {
	spec    faultSpec
	methods []string
	limit   int
	used    int
	skip    int // matching requests handled normally before the fault starts
	seen    int
}

// pickFault returns the fault for a request of this method, counting it
// against the rule's limit. Caller holds p.mu.
func pickFault(rules []faultRule, method string) faultSpec {
	for i := range rules {
		r := &rules[i]
		if len(r.methods) > 0 && !slices.Contains(r.methods, method) {
			continue
		}
		if r.limit > 0 && r.used >= r.limit {
			continue
		}
		if r.seen < r.skip {
			r.seen++
			continue
		}
		// An ACK has no response (RFC 3261 §17.1.1.3): only dropping it,
		// or its connection, means anything.
		if method == "ACK" && r.spec.kind != kindSilence && r.spec.kind != kindCloseTCP {
			continue
		}
		r.used++
		return r.spec
	}
	return faultSpec{}
}

// garbage returns 32..511 random bytes. It starts with a byte that cannot
// open a SIP start line, so it never parses by accident.
func garbage() []byte {
	b := make([]byte, 32+rand.IntN(480))
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	b[0] = 0xff
	return b
}

// truncate cuts a serialized message halfway through its header block (but
// after the status line), so the cut falls inside a header line.
func truncate(msg []byte) []byte {
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(msg)
	}
	first := bytes.Index(msg, []byte("\r\n"))
	cut := end / 2
	if cut <= first+2 {
		cut = min(first+3, len(msg))
	}
	return msg[:cut]
}
