package probe

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// --srtp modes (issue 12).
const (
	// SRTPNone offers plain RTP/AVP, the default.
	SRTPNone = "none"
	// SRTPSDES offers RTP/SAVP with SDES keys (RFC 4568): encrypted or
	// no call.
	SRTPSDES = "sdes"
	// SRTPOptional offers RTP/AVP with a=crypto, the best effort common
	// softphones make: encrypted when the answer has a crypto line, plain
	// otherwise.
	SRTPOptional = "optional"
)

// errSRTPMode marks an unknown --srtp value.
var errSRTPMode = errors.New("unknown SRTP mode")

// maxCryptoLines bounds the a=crypto lines read from an answer: it should
// have one (RFC 4568 §7.1.2).
const maxCryptoLines = 16

// ValidateSRTP checks a --srtp value; the CLI and scenario files use it.
func ValidateSRTP(mode string) error {
	switch mode {
	case "", SRTPNone, SRTPSDES, SRTPOptional:
		return nil
	}
	return fmt.Errorf("%w %q (want none, sdes or optional)", errSRTPMode, mode)
}

// srtpMode is --srtp, none unless set.
func (s *session) srtpMode() string {
	if s.cfg.Invite.SRTP == "" {
		return SRTPNone
	}
	return s.cfg.Invite.SRTP
}

// sdesOffer is the encryption a call offers: two crypto attributes with
// fresh keys, tag 1 AES_CM_128_HMAC_SHA1_80 and tag 2 _32 (RFC 4568 §6.2),
// the pair Asterisk and FreeSWITCH offer too.
type sdesOffer struct {
	mode    string
	cryptos []media.Crypto
}

// newSDESOffer returns nil for plain RTP.
func newSDESOffer(mode string) (*sdesOffer, error) {
	if mode != SRTPSDES && mode != SRTPOptional {
		return nil, nil
	}
	o := &sdesOffer{mode: mode}
	for i, suite := range []string{media.SuiteAES128SHA1_80, media.SuiteAES128SHA1_32} {
		c, err := media.NewCrypto(i+1, suite)
		if err != nil {
			return nil, err
		}
		o.cryptos = append(o.cryptos, c)
	}
	return o, nil
}

// applyTo writes the offer's encryption into our SDP: RTP/SAVP for sdes
// (RFC 3711 §12), and the a=crypto lines.
func (o *sdesOffer) applyTo(sd *sdp.SessionDescription) {
	md := audioStream(sd)
	if md == nil {
		return
	}
	if o.mode == SRTPSDES {
		md.MediaName.Protos = []string{"RTP", "SAVP"}
	}
	for _, c := range o.cryptos {
		md.Attributes = append(md.Attributes, sdp.Attribute{Key: "crypto", Value: c.String()})
	}
}

// apply is applyTo on an SDP body: buildOffer stays the one place that
// writes our session and media lines.
func (o *sdesOffer) apply(body []byte) ([]byte, error) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, err
	}
	o.applyTo(&sd)
	return sd.Marshal()
}

// negotiate reads the answer's choice (RFC 4568 §7.1.3): the first a=crypto
// line with a suite we know, a tag we offered and that tag's suite gives the
// cipher. Otherwise it says why not.
func (o *sdesOffer) negotiate(a answer) (*media.SRTP, string, catalog.Note) {
	if len(a.crypto) == 0 {
		if !slices.Equal(a.protos, []string{"RTP", "SAVP"}) {
			return nil, "", catalog.NewNote("srtp-answer-avp")
		}
		return nil, "", catalog.NewNote("srtp-answer-plain")
	}
	if o.mode == SRTPSDES && !slices.Equal(a.protos, []string{"RTP", "SAVP"}) {
		return nil, "", catalog.NewNote("srtp-answer-avp")
	}
	var why []string
	for _, v := range a.crypto {
		theirs, err := media.ParseCrypto(v)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		i := slices.IndexFunc(o.cryptos, func(c media.Crypto) bool { return c.Tag == theirs.Tag })
		if i < 0 {
			why = append(why, "tag "+strconv.Itoa(theirs.Tag)+" was not offered")
			continue
		}
		cipher, err := media.NewSRTP(o.cryptos[i], theirs)
		if err != nil {
			why = append(why, err.Error())
			continue
		}
		return cipher, theirs.Suite, catalog.Note{}
	}
	return nil, "", catalog.NewNote("srtp-answer-bad", "text", strings.Join(why, "; "))
}

// srtpOffered records what the call offers, before it is sent.
func (c *call) srtpOffered(d *results.Details, ex *catalog.Exchange) {
	if c.sec == nil {
		return
	}
	c.srtp = &results.SRTPInfo{Offered: c.sec.mode}
	d.SRTP = c.srtp
	ex.SRTPOffered = c.sec.mode == SRTPSDES
}

// secure sets the call's encryption up from the 2xx's answer, before any
// RTP goes out. An sdes call without usable crypto in the answer is
// srtp-not-supported; an optional one runs plain, with a note.
func (c *call) secure(a answer, ex *catalog.Exchange) {
	if c.sec == nil || !a.audio || a.rejected {
		return
	}
	cipher, suite, why := c.sec.negotiate(a)
	if cipher != nil {
		c.media.SetCipher(cipher)
		c.srtp.Suite, c.srtp.Encrypted = suite, true
		return
	}
	switch c.sec.mode {
	case SRTPSDES:
		ex.SRTPNotAnswered = true
		addNote(ex, catalog.NewNote("srtp-not-answered").With("text", why))
	case SRTPOptional:
		addNote(ex, catalog.NewNote("srtp-unencrypted").With("text", why))
	}
}

// encrypted reports whether the call's media ran over SRTP.
func (c *call) encrypted() bool { return c.srtp != nil && c.srtp.Encrypted }

// refusedMedia: the INVITE got a final response refusing the offer's
// media (488, 606, "Not Acceptable", a codec phrase).
func refusedMedia(ex *catalog.Exchange) bool {
	if ex.Outcome != catalog.OutcomeResponse || ex.Final == nil {
		return false
	}
	f := ex.Final
	return f.Code == 488 || f.Code == 606 ||
		(f.Code >= 400 && (strings.Contains(strings.ToLower(f.Reason), "not acceptable") || isCodecPhrase(f.Reason)))
}
