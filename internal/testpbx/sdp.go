package testpbx

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pion/sdp/v3"
)

// errNoCommonCodec means the offer shares no codec with what the extension
// accepts; the INVITE gets 488 Not Acceptable Here.
var errNoCommonCodec = errors.New("no common codec")

// codec is one RTP payload format of an offer or answer.
type codec struct {
	pt   uint8
	name string // encoding name as written, e.g. "PCMU", "opus"
	rate uint32
	enc  string // encoding parameters (channels), may be empty
}

// staticCodec returns the RFC 3551 payload types an offer may use without
// rtpmap.
func staticCodec(pt uint8) (codec, bool) {
	names := map[uint8]string{0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 18: "G729"}
	name, ok := names[pt]
	return codec{pt: pt, name: name, rate: 8000}, ok
}

// offerCodecs lists the payload formats of an audio media description, in
// offer order.
func offerCodecs(md *sdp.MediaDescription) []codec {
	var out []codec
	for _, f := range md.MediaName.Formats {
		n, err := strconv.ParseUint(f, 10, 8)
		if err != nil {
			continue
		}
		c, ok := staticCodec(uint8(n))
		if !ok {
			c = codec{pt: uint8(n)}
		}
		for _, a := range md.Attributes {
			if a.Key != "rtpmap" || !strings.HasPrefix(a.Value, f+" ") {
				continue
			}
			parts := strings.Split(strings.TrimSpace(strings.TrimPrefix(a.Value, f+" ")), "/")
			c.name = parts[0]
			if len(parts) > 1 {
				r, _ := strconv.ParseUint(parts[1], 10, 32)
				c.rate = uint32(r)
			}
			if len(parts) > 2 {
				c.enc = parts[2]
			}
		}
		if c.name != "" {
			out = append(out, c)
		}
	}
	return out
}

// pickCodecs chooses the answer's formats: the offered codecs the extension
// accepts, in offer order, plus telephone-event when offered. Only
// telephone-event in common is no common codec.
func pickCodecs(offered []codec, accept []string) ([]codec, error) {
	var out []codec
	audio := false
	for _, c := range offered {
		if strings.EqualFold(c.name, "telephone-event") {
			out = append(out, c)
			continue
		}
		if len(accept) == 0 || slices.ContainsFunc(accept, func(a string) bool { return strings.EqualFold(a, c.name) }) {
			out = append(out, c)
			audio = true
		}
	}
	if !audio {
		return nil, errNoCommonCodec
	}
	return out, nil
}

// foreignCodec returns a codec the offer does not contain, for the
// NoCommonCodec behaviour.
func foreignCodec(offered []codec) codec {
	for _, pt := range []uint8{18, 3, 4, 0, 8, 9} {
		c, _ := staticCodec(pt)
		if !slices.ContainsFunc(offered, func(o codec) bool { return strings.EqualFold(o.name, c.name) || o.pt == pt }) {
			return c
		}
	}
	return codec{pt: 117, name: "AMR", rate: 8000}
}

// defaultOffer is what the PBX offers in a 200 OK to an INVITE without SDP
// (late offer, RFC 3261 §13.2.1).
func defaultOffer() []codec {
	return []codec{{0, "PCMU", 8000, ""}, {8, "PCMA", 8000, ""}, {101, "telephone-event", 8000, ""}}
}

// answerSDP builds the SDP answer (RFC 3264 §6) with pion/sdp: one m= line
// per offered stream, the first audio stream accepted with the chosen
// codecs on port, every other stream rejected with port 0.
func answerSDP(offer []byte, b ExtensionBehaviour, addr string, port int) ([]byte, error) {
	var o sdp.SessionDescription
	var medias []*sdp.MediaDescription
	if len(offer) > 0 {
		if err := o.Unmarshal(offer); err != nil {
			return nil, errNoCommonCodec
		}
		medias = o.MediaDescriptions
	} else {
		medias = []*sdp.MediaDescription{{MediaName: sdp.MediaName{Media: "audio", Protos: []string{"RTP", "AVP"}}}}
	}
	now := uint64(time.Now().Unix())
	ans := &sdp.SessionDescription{
		Origin: sdp.Origin{
			Username: "testpbx", SessionID: now, SessionVersion: now,
			NetworkType: "IN", AddressType: "IP4", UnicastAddress: addr,
		},
		SessionName:           "testpbx",
		ConnectionInformation: &sdp.ConnectionInformation{NetworkType: "IN", AddressType: "IP4", Address: &sdp.Address{Address: addr}},
		TimeDescriptions:      []sdp.TimeDescription{{}},
	}
	accepted := false
	for _, md := range medias {
		out := &sdp.MediaDescription{MediaName: sdp.MediaName{Media: md.MediaName.Media, Protos: md.MediaName.Protos, Formats: md.MediaName.Formats}}
		if md.MediaName.Media != "audio" || accepted || md.MediaName.Port.Value == 0 && len(offer) > 0 {
			ans.MediaDescriptions = append(ans.MediaDescriptions, out) // port 0: rejected
			continue
		}
		offered := offerCodecs(md)
		if len(offer) == 0 {
			offered = defaultOffer()
		}
		var chosen []codec
		switch {
		case b.NoCommonCodec:
			chosen = []codec{foreignCodec(offered)}
		default:
			var err error
			if chosen, err = pickCodecs(offered, b.Codecs); err != nil {
				return nil, err
			}
		}
		accepted = true
		out.MediaName.Port = sdp.RangedPort{Value: port}
		out.MediaName.Formats = nil
		for _, c := range chosen {
			pt := strconv.Itoa(int(c.pt))
			out.MediaName.Formats = append(out.MediaName.Formats, pt)
			rtpmap := pt + " " + c.name + "/" + strconv.Itoa(int(c.rate))
			if c.enc != "" {
				rtpmap += "/" + c.enc
			}
			out.Attributes = append(out.Attributes, sdp.NewAttribute("rtpmap", rtpmap))
			if strings.EqualFold(c.name, "telephone-event") {
				out.Attributes = append(out.Attributes, sdp.NewAttribute("fmtp", pt+" 0-16"))
			}
		}
		out.Attributes = append(out.Attributes, sdp.NewAttribute("ptime", "20"), sdp.NewPropertyAttribute("sendrecv"))
		ans.MediaDescriptions = append(ans.MediaDescriptions, out)
	}
	if !accepted {
		return nil, errNoCommonCodec
	}
	return ans.Marshal()
}
