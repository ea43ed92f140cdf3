package probe

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// answer is what an SDP answer says about the call's audio stream.
type answer struct {
	audio     bool   // the answer has an m=audio line
	addr      string // the connection address (a media-level c= wins, RFC 4566 §5.7)
	port      int
	rejected  bool     // the audio port is 0 (RFC 3264 §6)
	codecs    []string // the answered formats, named
	common    []string // voice codecs we offered, in the answer's order
	send      *codec   // what to send RTP with: the first common codec, with the answer's payload type
	direction string   // sendrecv, sendonly, recvonly, inactive
	private   bool     // addr is RFC 1918 / RFC 6598 / unique-local
	problem   string   // why the answer is unusable, for the notes
}

// noCommonCodec: the call has no voice codec both sides agreed on.
func (a answer) noCommonCodec() bool { return len(a.common) == 0 }

// rfc6598 is the carrier-grade NAT range (RFC 6598 §7), which netip's
// IsPrivate does not cover.
func rfc6598() netip.Prefix { return netip.MustParsePrefix("100.64.0.0/10") }

// isPrivateAddr reports RFC 1918, RFC 6598 and RFC 4193 addresses: not
// routable from the Internet, so a far end behind a NAT that put one in its
// SDP gets no audio from us (the seeds' "488 Private IP Address" problem).
func isPrivateAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || rfc6598().Contains(a)
}

// staticPayloads names the RFC 3551 §6 static payload types an answer may
// use without an rtpmap.
func staticPayload(pt int) (encoding string, clock uint32, ok bool) {
	switch pt {
	case 0:
		return "PCMU", 8000, true
	case 3:
		return "GSM", 8000, true
	case 4:
		return "G723", 8000, true
	case 8:
		return "PCMA", 8000, true
	case 9:
		return "G722", 8000, true
	case 13:
		return "CN", 8000, true
	case 18:
		return "G729", 8000, true
	}
	return "", 0, false
}

// analyzeAnswer reads the SDP answer of a 2xx against our offer. It accepts
// any bytes and never panics: a hostile or broken PBX is a finding, not a
// crash.
func analyzeAnswer(offer []codec, body []byte) (a answer) {
	defer func() {
		if p := recover(); p != nil {
			a = answer{problem: fmt.Sprintf("the SDP answer could not be read (%v)", p)}
		}
	}()
	if len(strings.TrimSpace(string(body))) == 0 {
		a.problem = "the 2xx carries no SDP answer to our offer (RFC 3261 §13.2.1)"
		return a
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		a.problem = "the SDP answer could not be parsed: " + err.Error()
		return a
	}
	var md *sdp.MediaDescription
	for _, m := range sd.MediaDescriptions {
		if m != nil && strings.EqualFold(m.MediaName.Media, "audio") {
			md = m
			break
		}
	}
	if md == nil {
		a.problem = "the SDP answer has no audio stream"
		return a
	}
	a.audio = true
	a.port = md.MediaName.Port.Value
	a.rejected = a.port == 0
	if c := md.ConnectionInformation; c != nil && c.Address != nil {
		a.addr = c.Address.Address
	} else if c := sd.ConnectionInformation; c != nil && c.Address != nil {
		a.addr = c.Address.Address
	}
	if ip, err := netip.ParseAddr(a.addr); err == nil {
		a.private = isPrivateAddr(ip)
	}
	a.direction = "sendrecv"
	for _, at := range append(append([]sdp.Attribute(nil), sd.Attributes...), md.Attributes...) {
		switch at.Key {
		case "sendrecv", "sendonly", "recvonly", "inactive":
			a.direction = at.Key // a media-level attribute comes last and wins
		}
	}
	rtpmaps := map[int]string{}
	for _, at := range md.Attributes {
		if at.Key != "rtpmap" {
			continue
		}
		ptStr, rest, ok := strings.Cut(strings.TrimSpace(at.Value), " ")
		if pt, err := strconv.Atoi(ptStr); ok && err == nil {
			rtpmaps[pt] = strings.TrimSpace(rest)
		}
	}
	for _, f := range md.MediaName.Formats {
		pt, err := strconv.Atoi(f)
		if err != nil || pt < 0 || pt > 127 {
			a.codecs = append(a.codecs, f)
			continue
		}
		enc, clock, known := staticPayload(pt)
		if m, ok := rtpmaps[pt]; ok {
			parts := strings.Split(m, "/")
			enc = parts[0]
			clock = 0
			if len(parts) > 1 {
				if n, err := strconv.ParseUint(parts[1], 10, 32); err == nil {
					clock = uint32(n)
				}
			}
			known = enc != ""
		}
		if !known {
			a.codecs = append(a.codecs, "pt"+strconv.Itoa(pt))
			continue
		}
		name := strings.ToLower(enc)
		a.codecs = append(a.codecs, name)
		for _, o := range offer {
			if o.event || !strings.EqualFold(o.encoding, enc) || o.clock != clock {
				continue
			}
			a.common = append(a.common, o.name)
			if a.send == nil {
				c := o
				c.pt = uint8(pt) // RFC 3264 §6.1: send with the answerer's payload type
				a.send = &c
			}
		}
	}
	if a.rejected {
		a.problem = "the answer rejected the audio stream (port 0, RFC 3264 §6)"
	} else if a.noCommonCodec() {
		a.problem = fmt.Sprintf("the answer lists %s, none of which we offered (%s)", orNone(a.codecs), strings.Join(codecNames(offer), ", "))
	}
	return a
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "no codec"
	}
	return strings.Join(xs, ", ")
}
