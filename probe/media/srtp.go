package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/pion/srtp/v3"
)

// ErrSRTPParams: the far end's crypto attribute asks for something pion's
// SRTP does not do (a session parameter such as UNENCRYPTED_SRTP or KDR).
var ErrSRTPParams = errors.New("unsupported SDES session parameter")

// SRTP is a Cipher for one SDES-keyed call (RFC 4568 with RFC 3711): our
// key protects what we send, the far end's what it sends. Each direction
// has its own pion Context, which is not safe for concurrent use, so each
// has its own lock.
type SRTP struct {
	outMu sync.Mutex
	out   *srtp.Context
	inMu  sync.Mutex
	in    *srtp.Context
}

// NewSRTP builds the call's cipher from our crypto attribute (local, the
// one the answer chose) and the answer's (remote). The suites must agree:
// the answer takes the suite of the offer's attribute with its tag (RFC
// 4568 §7.1.3).
func NewSRTP(local, remote Crypto) (*SRTP, error) {
	if local.Suite != remote.Suite {
		return nil, fmt.Errorf("%w: answer's suite %s differs from the offer's %s", ErrCryptoAttr, remote.Suite, local.Suite)
	}
	if len(remote.Params) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrSRTPParams, remote.Params[0])
	}
	out, err := srtpContext(local)
	if err != nil {
		return nil, err
	}
	in, err := srtpContext(remote)
	if err != nil {
		return nil, err
	}
	return &SRTP{out: out, in: in}, nil
}

// srtpContext makes a pion Context for c's keys: the first is the one used
// to send; with MKIs, every key decrypts the packets that name it.
func srtpContext(c Crypto) (*srtp.Context, error) {
	profile := srtp.ProtectionProfileAes128CmHmacSha1_80
	if c.Suite == SuiteAES128SHA1_32 {
		profile = srtp.ProtectionProfileAes128CmHmacSha1_32
	} else if c.Suite != SuiteAES128SHA1_80 {
		return nil, fmt.Errorf("%w: %q", ErrUnknownSuite, c.Suite)
	}
	if len(c.Keys) == 0 {
		return nil, fmt.Errorf("%w: no key", ErrCryptoAttr)
	}
	var opts []srtp.ContextOption
	k0 := c.Keys[0]
	if k0.MKILen > 0 {
		opts = append(opts, srtp.MasterKeyIndicator(mkiBytes(k0)))
	}
	ctx, err := srtp.CreateContext(k0.Key, k0.Salt, profile, opts...)
	if err != nil {
		return nil, err
	}
	for _, k := range c.Keys[1:] {
		if err := ctx.AddCipherForMKI(mkiBytes(k), k.Key, k.Salt); err != nil {
			return nil, err
		}
	}
	return ctx, nil
}

// mkiBytes is k's MKI as it appears in a packet: MKILen bytes, big-endian.
func mkiBytes(k MasterKey) []byte {
	b := make([]byte, max(k.MKILen, 8))
	binary.BigEndian.PutUint64(b[len(b)-8:], k.MKI)
	return b[len(b)-k.MKILen:]
}

// EncryptRTP protects an RTP packet with our key.
func (s *SRTP) EncryptRTP(dst, packet []byte) ([]byte, error) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	out, err := s.out.EncryptRTP(nil, packet, nil)
	return append(dst, out...), err
}

// DecryptRTP authenticates and decrypts an SRTP packet of the far end.
func (s *SRTP) DecryptRTP(dst, packet []byte) ([]byte, error) {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	out, err := s.in.DecryptRTP(nil, packet, nil)
	return append(dst, out...), err
}

// EncryptRTCP protects an RTCP compound packet with our key (RFC 3711 §3.4).
func (s *SRTP) EncryptRTCP(dst, packet []byte) ([]byte, error) {
	s.outMu.Lock()
	defer s.outMu.Unlock()
	out, err := s.out.EncryptRTCP(nil, packet, nil)
	return append(dst, out...), err
}

// DecryptRTCP authenticates and decrypts an SRTCP packet of the far end.
func (s *SRTP) DecryptRTCP(dst, packet []byte) ([]byte, error) {
	s.inMu.Lock()
	defer s.inMu.Unlock()
	out, err := s.in.DecryptRTCP(nil, packet, nil)
	return append(dst, out...), err
}
