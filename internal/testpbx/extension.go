package testpbx

import (
	"net/netip"
	"time"
)

// ExtensionBehaviour says how the PBX answers an INVITE to one extension.
// The zero value rings briefly and answers with any offered codec. Fields
// combine: {Codecs: []string{"PCMA"}, EarlyMedia: true, ByeAfter: time.Second}
// sends 183 with SDP, answers with PCMA only and hangs up a second later.
type ExtensionBehaviour struct {
	// Code, when non-zero, is the final response instead of an answer
	// (486 Busy Here, 480, 404, 488 "Private IP Address", …), sent after
	// 100 Trying. Reason defaults to the standard phrase when empty.
	Code   int
	Reason string

	// Codecs lists the encoding names accepted (case-insensitive, e.g.
	// "PCMA", "G722", "opus"); empty accepts every offered codec. An offer
	// sharing none of them gets 488 Not Acceptable Here.
	// telephone-event is answered whenever it is offered.
	Codecs []string

	// Ring is how long to ring (180) before answering.
	Ring time.Duration
	// RingForever sends 180 Ringing and never answers: only a CANCEL
	// ends the call (200 to the CANCEL, 487 to the INVITE).
	RingForever bool
	// EarlyMedia sends 183 Session Progress with the SDP answer before 200.
	EarlyMedia bool

	// NoCommonCodec answers 200 OK with an SDP that shares no codec with
	// the offer (the broken-PBX case that a bare 488 does not cover).
	NoCommonCodec bool
	// MediaAddr is the connection address in the SDP answer (default
	// 127.0.0.1); "10.0.0.5" simulates a PBX behind NAT that leaks its
	// private address.
	MediaAddr string

	// IgnoreACK keeps retransmitting the 200 OK as if our ACK never
	// arrived (RFC 3261 §13.3.1.4), then hangs up with BYE after 64×T1.
	IgnoreACK bool
	// ByeAfter, when non-zero, makes the PBX send BYE that long after the
	// call is confirmed.
	ByeAfter time.Duration
	// OptionsEvery, when non-zero, sends in-dialog OPTIONS at that
	// interval while the call is up (a keep-alive/session audit).
	OptionsEvery time.Duration
	// EchoRTP sends every RTP packet received on the answer's media port
	// back to its sender, like an echo-test extension.
	EchoRTP bool
	// Echo, when set, is an Asterisk-like echo test with RTCP instead
	// (see Echo); EchoRTP is then ignored.
	Echo *Echo
	// MediaVia, when set, is given the call's media address (RTP; RTCP on
	// the next port) and returns the address the SDP answer names
	// instead: a relay in front of the media.
	MediaVia func(media netip.AddrPort) netip.AddrPort

	// MediaEncryption MediaEncryptionSDES requires SRTP with SDES keys
	// (Asterisk media_encryption=sdes): a plain offer gets 488, an RTP/SAVP
	// offer is answered with the PBX's own a=crypto, and EchoRTP echoes
	// over SRTP (srtp.go).
	MediaEncryption string
	// RefuseSRTP answers an RTP/SAVP offer with 488: a PBX that does
	// plain RTP only (and ignores a=crypto on RTP/AVP).
	RefuseSRTP bool
}

func (b ExtensionBehaviour) validate() error {
	if b.Code != 0 {
		if err := validReply(b.Code, b.Reason); err != nil {
			return err
		}
		if b.Code < 300 {
			return invalid("extension code %d: only a failure code replaces the answer", b.Code)
		}
	}
	if b.Ring < 0 || b.ByeAfter < 0 || b.OptionsEvery < 0 {
		return invalid("negative duration")
	}
	if b.MediaEncryption != "" && b.MediaEncryption != MediaEncryptionSDES {
		return invalid("media encryption %q (want %q)", b.MediaEncryption, MediaEncryptionSDES)
	}
	if b.MediaAddr != "" {
		a, err := netip.ParseAddr(b.MediaAddr)
		if err != nil || !a.Is4() {
			return invalid("media address %q is not an IPv4 address", b.MediaAddr)
		}
	}
	return nil
}
