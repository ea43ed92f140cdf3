package probe

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/probe/media"
)

// errCodec marks an unknown --codecs entry.
var errCodec = errors.New("unknown codec")

// codec is one payload format sipprobe can offer.
type codec struct {
	name     string // the --codecs token, also the name reported
	pt       uint8  // static payload type (RFC 3551 §6) or our dynamic choice
	encoding string // the rtpmap encoding name (RFC 4566 §6)
	clock    uint32
	channels int // 0: not written in the rtpmap
	fmtp     string
	// event: telephone-event (RFC 4733) carries DTMF, not voice, so it never
	// counts as the common codec of a call.
	event bool
}

// knownCodecs lists the codecs sipprobe can offer; --codecs orders the offer.
func knownCodecs() []codec {
	return []codec{
		{name: "pcmu", pt: 0, encoding: "PCMU", clock: 8000},
		{name: "pcma", pt: 8, encoding: "PCMA", clock: 8000},
		// G.722's RTP clock is 8000 though it samples at 16 kHz (RFC 3551 §4.5.2).
		{name: "g722", pt: 9, encoding: "G722", clock: 8000},
		// annexb=no: most PBXes do not do G.729 VAD/CNG (RFC 4856 §2.1.9).
		{name: "g729", pt: 18, encoding: "G729", clock: 8000, fmtp: "annexb=no"},
		// Opus always says 48000/2 in SDP (RFC 7587 §7).
		{name: "opus", pt: 111, encoding: "opus", clock: 48000, channels: 2, fmtp: "useinbandfec=1"},
		{name: "telephone-event", pt: 101, encoding: "telephone-event", clock: 8000, fmtp: "0-16", event: true},
	}
}

// DefaultCodecs is the offer when --codecs is not given.
func DefaultCodecs() []string { return []string{"pcmu", "pcma", "g722", "telephone-event"} }

// parseCodecs turns --codecs into the offer, in the user's order.
func parseCodecs(names []string) ([]codec, error) {
	if len(names) == 0 {
		names = DefaultCodecs()
	}
	var out []codec
	seen := map[string]bool{}
	voice := false
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		c, ok := codecByName(n)
		if !ok {
			return nil, fmt.Errorf("%w %q (want pcmu, pcma, g722, g729, opus, telephone-event)", errCodec, n)
		}
		seen[n] = true
		voice = voice || !c.event
		out = append(out, c)
	}
	if !voice {
		return nil, fmt.Errorf("%w: --codecs needs at least one voice codec", errCodec)
	}
	return out, nil
}

func codecByName(n string) (codec, bool) {
	for _, c := range knownCodecs() {
		if c.name == n {
			return c, true
		}
	}
	return codec{}, false
}

// ValidateCodecs checks a --codecs list; the CLI and scenario files use it.
func ValidateCodecs(names []string) error {
	_, err := parseCodecs(names)
	return err
}

func codecNames(cs []codec) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.name)
	}
	return out
}

// buildOffer writes the SDP offer of a test call: one audio stream at our
// real address and the port of a bound RTP socket, sendrecv (RFC 3264 §5).
// pion's JSEP helpers are WebRTC-only (ICE, DTLS), so the media description
// is built by hand.
func buildOffer(addr netip.Addr, port int, cs []codec, sessID uint64, version uint64) ([]byte, error) {
	addrType := "IP4"
	if addr.Is6() && !addr.Is4In6() {
		addrType = "IP6"
	}
	ip := addr.Unmap().String()
	md := &sdp.MediaDescription{
		MediaName: sdp.MediaName{Media: "audio", Port: sdp.RangedPort{Value: port}, Protos: []string{"RTP", "AVP"}},
	}
	for _, c := range cs {
		md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(c.pt)))
		rtpmap := fmt.Sprintf("%d %s/%d", c.pt, c.encoding, c.clock)
		if c.channels > 0 {
			rtpmap += "/" + strconv.Itoa(c.channels)
		}
		md.Attributes = append(md.Attributes, sdp.Attribute{Key: "rtpmap", Value: rtpmap})
		if c.fmtp != "" {
			md.Attributes = append(md.Attributes, sdp.Attribute{Key: "fmtp", Value: fmt.Sprintf("%d %s", c.pt, c.fmtp)})
		}
	}
	md.Attributes = append(md.Attributes,
		sdp.Attribute{Key: "ptime", Value: "20"},
		sdp.Attribute{Key: "sendrecv"},
	)
	sd := &sdp.SessionDescription{
		Origin: sdp.Origin{
			Username: "sipprobe", SessionID: sessID, SessionVersion: version,
			NetworkType: "IN", AddressType: addrType, UnicastAddress: ip,
		},
		SessionName:           "sipprobe",
		ConnectionInformation: &sdp.ConnectionInformation{NetworkType: "IN", AddressType: addrType, Address: &sdp.Address{Address: ip}},
		TimeDescriptions:      []sdp.TimeDescription{{Timing: sdp.Timing{}}},
		MediaDescriptions:     []*sdp.MediaDescription{md},
	}
	return sd.Marshal()
}

// format is what the media session needs of c to send it.
func (c codec) format() media.Format {
	return media.Format{PT: c.pt, Encoding: c.encoding, Clock: c.clock}
}
