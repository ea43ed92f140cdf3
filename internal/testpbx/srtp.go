package testpbx

import (
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/probe/media"
)

// MediaEncryptionSDES as ExtensionBehaviour.MediaEncryption is Asterisk's
// media_encryption=sdes without media_encryption_optimistic.
const MediaEncryptionSDES = "sdes"

// errNoCrypto: an SDES extension got an offer without a usable a=crypto.
var errNoCrypto = errors.New("no usable a=crypto in the offer")

// offerSecurity reads the offer's first audio stream: is it RTP/SAVP, and
// its a=crypto values.
func offerSecurity(body []byte) (savp bool, cryptos []string) {
	var o sdp.SessionDescription
	if o.Unmarshal(body) != nil {
		return false, nil
	}
	for _, md := range o.MediaDescriptions {
		if md.MediaName.Media != "audio" {
			continue
		}
		for _, a := range md.Attributes {
			if a.Key == "crypto" {
				cryptos = append(cryptos, a.Value)
			}
		}
		return slices.Equal(md.MediaName.Protos, []string{"RTP", "SAVP"}), cryptos
	}
	return false, nil
}

// srtpRefusal is the 488 an extension gives an offer of the wrong kind:
// plain RTP to an SDES extension, RTP/SAVP to one with RefuseSRTP (RFC
// 3264 §6: a transport the answerer does not do).
func (c *call) srtpRefusal() bool {
	savp, cryptos := offerSecurity(c.tx.req.Body())
	switch {
	case c.b.MediaEncryption == MediaEncryptionSDES:
		return !savp || len(cryptos) == 0
	case c.b.RefuseSRTP:
		return savp
	}
	return false
}

// prepareSRTPAnswer is prepareAnswer for an SDES extension: it takes the
// first crypto line it can use (RFC 4568 §7.1.2), answers RTP/SAVP with
// its own fresh key under the same tag and suite, and echoes over SRTP.
func (c *call) prepareSRTPAnswer() error {
	_, offered := offerSecurity(c.tx.req.Body())
	var ours media.Crypto
	var cipher *media.SRTP
	for _, v := range offered {
		t, err := media.ParseCrypto(v)
		if err != nil {
			continue
		}
		o, err := media.NewCrypto(t.Tag, t.Suite)
		if err != nil {
			continue
		}
		if cipher, err = media.NewSRTP(o, t); err == nil {
			ours = o
			break
		}
	}
	if cipher == nil {
		return errNoCrypto
	}
	m, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return fmt.Errorf("%w: media: %v", ErrListen, err)
	}
	if !c.p.track(m) {
		_ = m.Close()
		return ErrClosed
	}
	if !c.p.spawn(func() { c.p.serveSRTPMedia(m, cipher, c.b.EchoRTP) }) {
		c.p.untrack(m)
		_ = m.Close()
		return ErrClosed
	}
	c.mu.Lock()
	c.media = m
	c.mu.Unlock()
	addr := c.b.MediaAddr
	if addr == "" {
		addr = "127.0.0.1"
	}
	body, err := answerSDP(c.tx.req.Body(), c.b, addr, m.LocalAddr().(*net.UDPAddr).Port)
	if err != nil {
		return err
	}
	var ans sdp.SessionDescription
	if err := ans.Unmarshal(body); err != nil {
		return err
	}
	for _, md := range ans.MediaDescriptions {
		if md.MediaName.Media == "audio" && md.MediaName.Port.Value != 0 {
			md.Attributes = append(md.Attributes, sdp.NewAttribute("crypto", ours.String()))
			break
		}
	}
	if body, err = ans.Marshal(); err != nil {
		return err
	}
	c.mu.Lock()
	c.answer = body
	c.mu.Unlock()
	return nil
}

// serveSRTPMedia reads SRTP until the socket is closed. With echo, each
// packet that authenticates with the caller's key goes back encrypted with
// ours; the others are dropped, as a real SRTP endpoint does.
func (p *PBX) serveSRTPMedia(m *net.UDPConn, cipher *media.SRTP, echo bool) {
	buf := make([]byte, 2048)
	var clear, out []byte
	for {
		n, from, err := m.ReadFromUDP(buf)
		if err != nil {
			if p.ctx.Err() != nil || isClosed(err) {
				return
			}
			continue
		}
		if clear, err = cipher.DecryptRTP(clear[:0], buf[:n]); err != nil || !echo {
			continue
		}
		if out, err = cipher.EncryptRTP(out[:0], clear); err == nil {
			_, _ = m.WriteToUDP(out, from)
		}
	}
}
