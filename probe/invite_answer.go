package probe

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/catalog"
)

// answer is what an SDP answer says about the call's audio stream.
type answer struct {
	audio     bool   // the answer has an m=audio line
	addr      string // the connection address (a media-level c= wins, RFC 4566 §5.7)
	port      int
	rejected  bool          // the audio port is 0 (RFC 3264 §6)
	codecs    []string      // the answered formats, named
	common    []string      // voice codecs we offered, in the answer's order
	send      *codec        // what to send RTP with: the first common codec, with the answer's payload type
	dtmf      *codec        // telephone-event with the answer's payload type; nil: not negotiated
	direction string        // sendrecv, sendonly, recvonly, inactive
	private   bool          // addr is RFC 1918 / RFC 6598 / unique-local
	problem   *catalog.Note // why the answer is unusable, for the notes
	protos    []string      // the audio stream's transport: RTP/AVP, RTP/SAVP, …
	crypto    []string      // its a=crypto values (RFC 4568), for SDES
	// rtcp is where the far end takes RTCP when it says (a=rtcp, RFC 3605;
	// a=rtcp-mux, RFC 5761: its RTP port); zero: RTP port + 1 (RFC 3550 §11).
	rtcp netip.AddrPort
	// rtcpPort is a=rtcp's port when it gave no address of its own (the
	// stream's connection address goes with it).
	rtcpPort uint16
	rtcpMux  bool
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
			a = answer{problem: problemNote("sdp-unreadable", "text", fmt.Sprint(p))}
		}
	}()
	if len(strings.TrimSpace(string(body))) == 0 {
		a.problem = problemNote("sdp-missing")
		return a
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		a.problem = problemNote("sdp-unparsable", "text", err.Error())
		return a
	}
	md := audioStream(&sd)
	if md == nil {
		a.problem = problemNote("sdp-no-audio")
		return a
	}
	a.audio = true
	a.protos = md.MediaName.Protos
	for _, at := range md.Attributes {
		switch {
		case at.Key == "crypto" && len(a.crypto) < maxCryptoLines:
			a.crypto = append(a.crypto, at.Value)
		case at.Key == "rtcp":
			a.rtcp, a.rtcpPort = parseRTCPAttr(at.Value)
		case at.Key == "rtcp-mux":
			a.rtcpMux = true
		}
	}
	a.port = md.MediaName.Port.Value
	a.rejected = a.port == 0
	a.addr = mediaAddr(&sd, md)
	if ip, err := netip.ParseAddr(a.addr); err == nil {
		a.private = isPrivateAddr(ip)
	}
	a.direction = mediaDirection(&sd, md)
	for _, f := range mediaFormats(md) {
		if !f.known {
			a.codecs = append(a.codecs, f.name)
			continue
		}
		a.codecs = append(a.codecs, strings.ToLower(f.encoding))
		for _, o := range offer {
			if o.event && f.matches(o) && a.dtmf == nil {
				c := o
				c.pt = uint8(f.pt) // RFC 4733 §7.1.1: events go with the answer's payload type
				a.dtmf = &c
			}
			if o.event || !f.matches(o) {
				continue
			}
			a.common = append(a.common, o.name)
			if a.send == nil {
				c := o
				c.pt = uint8(f.pt) // RFC 3264 §6.1: send with the answerer's payload type
				a.send = &c
			}
		}
	}
	if a.rejected {
		a.problem = problemNote("sdp-audio-rejected")
	} else if a.noCommonCodec() {
		n := problemNote("sdp-foreign-codecs", "codecs", strings.Join(a.codecs, ", "), "text", strings.Join(codecNames(offer), ", "))
		if len(a.codecs) == 0 {
			*n = n.With("codecs", catalog.NewNote("no-codec"))
		}
		a.problem = n
	}
	return a
}

func problemNote(key string, kv ...string) *catalog.Note {
	n := catalog.NewNote(key, kv...)
	return &n
}

// audioStream is the first m=audio line of sd, nil when there is none.
func audioStream(sd *sdp.SessionDescription) *sdp.MediaDescription {
	for _, m := range sd.MediaDescriptions {
		if m != nil && strings.EqualFold(m.MediaName.Media, "audio") {
			return m
		}
	}
	return nil
}

// mediaAddr is md's connection address: a media-level c= wins over the
// session's (RFC 4566 §5.7).
func mediaAddr(sd *sdp.SessionDescription, md *sdp.MediaDescription) string {
	if c := md.ConnectionInformation; c != nil && c.Address != nil {
		return c.Address.Address
	}
	if c := sd.ConnectionInformation; c != nil && c.Address != nil {
		return c.Address.Address
	}
	return ""
}

// mediaDirection is md's sendrecv, sendonly, recvonly or inactive; a
// media-level attribute wins over the session's, and sendrecv is the
// default (RFC 4566 §6).
func mediaDirection(sd *sdp.SessionDescription, md *sdp.MediaDescription) string {
	dir := "sendrecv"
	for _, at := range append(append([]sdp.Attribute(nil), sd.Attributes...), md.Attributes...) {
		switch at.Key {
		case "sendrecv", "sendonly", "recvonly", "inactive":
			dir = at.Key // a media-level attribute comes last and wins
		}
	}
	return dir
}

// rtpFormat is one payload format of an m-line, named by its rtpmap or,
// for a static payload type without one, by RFC 3551 §6.
type rtpFormat struct {
	name     string // the format as written, or "ptN" when unknown
	pt       int
	encoding string
	clock    uint32
	known    bool
}

// matches reports whether f is codec c, whatever payload type it has.
func (f rtpFormat) matches(c codec) bool {
	return f.known && strings.EqualFold(c.encoding, f.encoding) && c.clock == f.clock
}

// mediaFormats reads md's formats with their rtpmaps.
func mediaFormats(md *sdp.MediaDescription) []rtpFormat {
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
	var out []rtpFormat
	for _, f := range md.MediaName.Formats {
		pt, err := strconv.Atoi(f)
		if err != nil || pt < 0 || pt > 127 {
			out = append(out, rtpFormat{name: f, pt: -1})
			continue
		}
		rf := rtpFormat{name: "pt" + strconv.Itoa(pt), pt: pt}
		rf.encoding, rf.clock, rf.known = staticPayload(pt)
		if m, ok := rtpmaps[pt]; ok {
			parts := strings.Split(m, "/")
			rf.encoding, rf.clock = parts[0], 0
			if len(parts) > 1 {
				if n, err := strconv.ParseUint(parts[1], 10, 32); err == nil {
					rf.clock = uint32(n)
				}
			}
			rf.known = rf.encoding != ""
		}
		out = append(out, rf)
	}
	return out
}

// parseRTCPAttr reads a=rtcp:PORT [IN IP4|IP6 ADDR] (RFC 3605 §2.1): the
// address and port when both are given, else only the port; zeros when
// the value is not one.
func parseRTCPAttr(v string) (netip.AddrPort, uint16) {
	f := strings.Fields(v)
	if len(f) == 0 {
		return netip.AddrPort{}, 0
	}
	port, err := strconv.ParseUint(f[0], 10, 16)
	if err != nil || port == 0 {
		return netip.AddrPort{}, 0
	}
	if len(f) == 4 && f[1] == "IN" && (f[2] == "IP4" || f[2] == "IP6") {
		if ip, err := netip.ParseAddr(f[3]); err == nil && !ip.IsUnspecified() {
			return netip.AddrPortFrom(ip.Unmap(), uint16(port)), 0
		}
	}
	return netip.AddrPort{}, uint16(port)
}
