package media

import "sync/atomic"

// cipherSlot holds a Session's Cipher. The reader runs from Open on, and
// the cipher of an SDES call is known only once the answer arrives, so it
// is set while the reader may be reading it.
type cipherSlot struct{ p atomic.Pointer[Cipher] }

func (c *cipherSlot) store(x Cipher) { c.p.Store(&x) }

// load is the cipher, nil for plain RTP.
func (c *cipherSlot) load() Cipher {
	if p := c.p.Load(); p != nil {
		return *p
	}
	return nil
}

// SetCipher encrypts what the Session sends and decrypts what it reads
// from now on: for SDES (RFC 4568) the far end's key comes in the SDP
// answer, after Open bound the port the offer names. Call it before Send;
// a nil c goes back to plain RTP.
func (s *Session) SetCipher(c Cipher) { s.cipher.store(c) }
