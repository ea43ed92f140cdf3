package probe

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/catalog"
)

// Why we refuse an offer the far end makes within the call. The session
// then goes on as it was (RFC 3261 §14.2: 488 to a re-INVITE, RFC 3311
// §5.2 to an UPDATE).
var (
	errBadOffer          = errors.New("the SDP offer cannot be parsed")
	errNoAcceptableMedia = errors.New("the SDP offer has no audio stream with a codec we offered")
)

// localSDP is our side of the call's session description: what we sent
// last and its o= version, which must grow by one each time what we send
// differs from it and stay put when it does not (RFC 3264 §8). The
// dialog's serve lock guards it.
type localSDP struct {
	addr    netip.Addr
	port    int     // our RTP socket's: it never changes during the call
	codecs  []codec // what the INVITE offered
	id      uint64
	version uint64
	last    []byte
	sec     *sdesOffer // our SDES keys, repeated in our offers
}

// newLocalSDP starts from the INVITE's offer, built with version 1.
func newLocalSDP(addr netip.Addr, port int, codecs []codec, id uint64, offer []byte) *localSDP {
	return &localSDP{addr: addr, port: port, codecs: codecs, id: id, version: 1, last: offer}
}

// offer is our SDP for a 2xx to a re-INVITE without one (RFC 3261 §14.2):
// every codec of the INVITE, sendrecv, as RFC 6337 suggests.
func (l *localSDP) offer() ([]byte, error) {
	sd, err := l.session(l.codecs)
	if err != nil {
		return nil, err
	}
	if l.sec != nil {
		l.sec.applyTo(sd)
	}
	return l.send(sd)
}

// answer is our SDP answer to the far end's offer (RFC 3264 §6): as many
// m-lines as the offer, in its order; the first audio stream over RTP/AVP
// that shares a codec with our INVITE's offer is taken at our address and
// RTP port, with the offer's payload types and the mirrored direction;
// every other stream is refused with port 0. Like analyzeAnswer it takes
// any bytes and never panics: the far end's SDP must not crash the probe.
func (l *localSDP) answer(body []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &noteError{note: catalog.NewNote("offer-unparsable", "text", fmt.Sprint(p)), err: errBadOffer}
		}
	}()
	var offer sdp.SessionDescription
	if err := offer.Unmarshal(body); err != nil {
		return nil, &noteError{note: catalog.NewNote("offer-unparsable", "text", err.Error()), err: fmt.Errorf("%w: %w", errBadOffer, err)}
	}
	var mds []*sdp.MediaDescription
	taken := false
	for _, md := range offer.MediaDescriptions {
		if md == nil {
			continue
		}
		if !taken {
			if ours, err := l.takeAudio(&offer, md); err != nil {
				return nil, err
			} else if ours != nil {
				mds, taken = append(mds, ours), true
				continue
			}
		}
		mds = append(mds, &sdp.MediaDescription{MediaName: sdp.MediaName{
			Media: md.MediaName.Media, Port: sdp.RangedPort{Value: 0},
			Protos: md.MediaName.Protos, Formats: md.MediaName.Formats,
		}})
	}
	if !taken {
		return nil, &noteError{note: catalog.NewNote("offer-no-media"), err: errNoAcceptableMedia}
	}
	sd, err := l.session(nil)
	if err != nil {
		return nil, err
	}
	sd.MediaDescriptions = mds
	return l.send(sd)
}

// takeAudio answers md if it is a live RTP/AVP audio stream with a voice
// codec of ours; nil otherwise.
func (l *localSDP) takeAudio(offer *sdp.SessionDescription, md *sdp.MediaDescription) (*sdp.MediaDescription, error) {
	if !strings.EqualFold(md.MediaName.Media, "audio") || md.MediaName.Port.Value == 0 ||
		!slices.Equal(md.MediaName.Protos, []string{"RTP", "AVP"}) {
		return nil, nil
	}
	var keep []codec
	voice := false
	for _, f := range mediaFormats(md) {
		for _, c := range l.codecs {
			if f.matches(c) && !slices.ContainsFunc(keep, func(k codec) bool { return k.name == c.name }) {
				c.pt = uint8(f.pt) // RFC 3264 §6.1: the offerer's payload type
				keep = append(keep, c)
				voice = voice || !c.event
				break
			}
		}
	}
	if !voice {
		return nil, nil
	}
	sd, err := l.session(keep)
	if err != nil {
		return nil, err
	}
	ours := sd.MediaDescriptions[0]
	dir := mirrorDirection(mediaDirection(offer, md))
	for i, at := range ours.Attributes {
		if at.Key == "sendrecv" {
			ours.Attributes[i] = sdp.Attribute{Key: dir}
		}
	}
	return ours, nil
}

// mirrorDirection is the answer's direction to an offered one (RFC 3264
// §6.1): the far end sending only means we only receive.
func mirrorDirection(offered string) string {
	switch offered {
	case "sendonly":
		return "recvonly"
	case "recvonly":
		return "sendonly"
	case "inactive":
		return "inactive"
	}
	return "sendrecv"
}

// session is our INVITE's SDP with the codecs cs, parsed back for editing:
// buildOffer stays the one place that writes our session and media lines.
func (l *localSDP) session(cs []codec) (*sdp.SessionDescription, error) {
	if cs == nil {
		cs = l.codecs
	}
	body, err := buildOffer(l.addr, l.port, cs, l.id, l.version)
	if err != nil {
		return nil, err
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, err
	}
	return &sd, nil
}

// send versions sd against the SDP we sent last (RFC 3264 §8) and records
// it as sent.
func (l *localSDP) send(sd *sdp.SessionDescription) ([]byte, error) {
	sd.Origin.SessionVersion = l.version
	body, err := sd.Marshal()
	if err != nil || bytes.Equal(body, l.last) {
		return body, err
	}
	l.version++
	sd.Origin.SessionVersion = l.version
	if body, err = sd.Marshal(); err != nil {
		return nil, err
	}
	l.last = body
	return body, nil
}
