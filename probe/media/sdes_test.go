package media

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseCrypto(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		tag      int
		suite    string
		keys     int
		mkiLen   int
		lifetime string
		params   int
		err      error
	}{
		// RFC 4568 §4's example.
		{name: "rfc 4568 example", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32", tag: 1, suite: SuiteAES128SHA1_80, keys: 1, mkiLen: 32, lifetime: "2^20"},
		{name: "plain 32", in: "2 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", tag: 2, suite: SuiteAES128SHA1_32, keys: 1},
		{name: "session params", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1 UNENCRYPTED_SRTCP", tag: 1, suite: SuiteAES128SHA1_80, keys: 1, params: 2},
		{name: "two keys with MKI", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4;inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2:4", tag: 1, suite: SuiteAES128SHA1_80, keys: 2, mkiLen: 4},
		{name: "unknown suite", in: "3 AEAD_AES_256_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRPS1uQCVeeCFC", err: ErrUnknownSuite},
		{name: "F8 suite", in: "1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", err: ErrUnknownSuite},
		{name: "too short", in: "1 AES_CM_128_HMAC_SHA1_80", err: ErrCryptoAttr},
		{name: "tag not a number", in: "x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", err: ErrCryptoAttr},
		{name: "not inline", in: "1 AES_CM_128_HMAC_SHA1_80 uri:http://example.com/key", err: ErrCryptoAttr},
		{name: "bad base64", in: "1 AES_CM_128_HMAC_SHA1_80 inline:!!!", err: ErrCryptoAttr},
		{name: "short key", in: "1 AES_CM_128_HMAC_SHA1_80 inline:QUJDRA==", err: ErrCryptoAttr},
		{name: "bad lifetime", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x", err: ErrCryptoAttr},
		{name: "bad MKI", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|300:1", err: ErrCryptoAttr},
		{name: "two keys without MKI", in: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR;inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", err: ErrCryptoAttr},
		{name: "huge", in: "1 AES_CM_128_HMAC_SHA1_80 inline:" + strings.Repeat("A", 5000), err: ErrCryptoAttr},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCrypto(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Tag != tc.tag || c.Suite != tc.suite || len(c.Keys) != tc.keys || len(c.Params) != tc.params {
				t.Fatalf("got %+v", c)
			}
			if c.Keys[0].MKILen != tc.mkiLen || c.Keys[0].Lifetime != tc.lifetime {
				t.Errorf("key %+v", c.Keys[0])
			}
			if len(c.Keys[0].Key) != 16 || len(c.Keys[0].Salt) != 14 {
				t.Errorf("key/salt lengths %d/%d", len(c.Keys[0].Key), len(c.Keys[0].Salt))
			}
		})
	}
}

func TestNewCryptoRoundTrip(t *testing.T) {
	for _, suite := range []string{SuiteAES128SHA1_80, SuiteAES128SHA1_32} {
		t.Run(suite, func(t *testing.T) {
			a, err := NewCrypto(1, suite)
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewCrypto(1, suite)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(a.Keys[0].Key, b.Keys[0].Key) {
				t.Error("two calls gave the same master key")
			}
			back, err := ParseCrypto(a.String())
			if err != nil {
				t.Fatalf("%q: %v", a.String(), err)
			}
			if back.String() != a.String() || !bytes.Equal(back.Keys[0].Salt, a.Keys[0].Salt) {
				t.Errorf("round trip: %q → %q", a.String(), back.String())
			}
		})
	}
	if _, err := NewCrypto(1, "AES_256_CM_HMAC_SHA1_80"); !errors.Is(err, ErrUnknownSuite) {
		t.Errorf("unknown suite: %v", err)
	}
}

// TestParseCryptoErrorsHideKeys: the reason an attribute is unreadable
// goes into a note; it must not carry the key it failed to read.
func TestParseCryptoErrorsHideKeys(t *testing.T) {
	const key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcwo"
	for _, v := range []string{
		"1 AES_CM_128_HMAC_SHA1_80inline:" + key,
		"1 AES_CM_128_HMAC_SHA1_80 " + key,
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4|x",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "xx",
	} {
		t.Run(v, func(t *testing.T) {
			_, err := ParseCrypto(v)
			if err == nil {
				t.Fatal("parsed")
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
}
