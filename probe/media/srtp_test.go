package media

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

func mustCrypto(t *testing.T, suite string) Crypto {
	t.Helper()
	c, err := NewCrypto(1, suite)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSRTPRoundTrip(t *testing.T) {
	for _, suite := range []string{SuiteAES128SHA1_80, SuiteAES128SHA1_32} {
		t.Run(suite, func(t *testing.T) {
			a, b := mustCrypto(t, suite), mustCrypto(t, suite)
			alice, err := NewSRTP(a, b)
			if err != nil {
				t.Fatal(err)
			}
			bob, err := NewSRTP(b, a)
			if err != nil {
				t.Fatal(err)
			}
			pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 7, SSRC: 42}, Payload: []byte("hello")}
			plain, _ := pkt.Marshal()
			enc, err := alice.EncryptRTP(nil, plain)
			if err != nil {
				t.Fatal(err)
			}
			tag := 10
			if suite == SuiteAES128SHA1_32 {
				tag = 4
			}
			if len(enc) != len(plain)+tag {
				t.Errorf("SRTP packet is %d bytes, want %d", len(enc), len(plain)+tag)
			}
			got, err := bob.DecryptRTP(nil, enc)
			if err != nil || string(got) != string(plain) {
				t.Fatalf("decrypt: %v %x", err, got)
			}
			enc[len(enc)-1] ^= 1
			if _, err := bob.DecryptRTP(nil, enc); err == nil {
				t.Error("a packet with a broken auth tag was accepted")
			}
			// RTCP: a minimal receiver report.
			rr := []byte{0x80, 201, 0, 1, 0, 0, 0, 42}
			encRR, err := alice.EncryptRTCP(nil, rr)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := bob.DecryptRTCP(nil, encRR); err != nil || string(got) != string(rr) {
				t.Fatalf("RTCP: %v %x", err, got)
			}
		})
	}
}

func TestNewSRTPRefuses(t *testing.T) {
	a, b := mustCrypto(t, SuiteAES128SHA1_80), mustCrypto(t, SuiteAES128SHA1_32)
	if _, err := NewSRTP(a, b); !errors.Is(err, ErrCryptoAttr) {
		t.Errorf("suite mismatch: %v", err)
	}
	c := mustCrypto(t, SuiteAES128SHA1_80)
	c.Params = []string{"UNENCRYPTED_SRTP"}
	if _, err := NewSRTP(a, c); !errors.Is(err, ErrSRTPParams) {
		t.Errorf("session parameter: %v", err)
	}
}

// TestSessionSetCipher: two sessions on loopback, each with the other's
// key; what one sends the other decrypts and counts. With a wrong key
// nothing authenticates and nothing is counted.
func TestSessionSetCipher(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	a, b, wrong := mustCrypto(t, SuiteAES128SHA1_80), mustCrypto(t, SuiteAES128SHA1_80), mustCrypto(t, SuiteAES128SHA1_80)
	for _, tc := range []struct {
		name   string
		recvIn Crypto // the key the receiver decrypts with
		want   bool
	}{
		{"right key", a, true},
		{"wrong key", wrong, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := Open(lo)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Close()
			rx, err := Open(lo)
			if err != nil {
				t.Fatal(err)
			}
			defer rx.Close()
			txc, err := NewSRTP(a, b)
			if err != nil {
				t.Fatal(err)
			}
			rxc, err := NewSRTP(b, tc.recvIn)
			if err != nil {
				t.Fatal(err)
			}
			tx.SetCipher(txc)
			rx.SetCipher(rxc)
			ctx, cancel := context.WithCancel(context.Background())
			tx.Send(ctx, netip.AddrPortFrom(lo, uint16(rx.Port())), Format{PT: 0, Encoding: "PCMU", Clock: 8000})
			deadline := time.Now().Add(2 * time.Second)
			for tx.Sent() < 10 && time.Now().Before(deadline) {
				time.Sleep(Frame)
			}
			cancel()
			tx.Close()
			time.Sleep(2 * Frame)
			if got := rx.Received(); (got > 0) != tc.want {
				t.Errorf("sent %d, received %d", tx.Sent(), got)
			}
		})
	}
}
