package media

import "testing"

// FuzzSDESAttribute: any a=crypto value parses or fails, never panics, and
// whatever parses formats and parses back to the same value.
func FuzzSDESAttribute(f *testing.F) {
	for _, s := range []string{
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
		"2 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=1",
		"1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4;inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2:4",
		"3 AEAD_AES_256_GCM inline:x", "", "1", "1 AES_CM_128_HMAC_SHA1_80 inline:|||",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCrypto(s)
		if err != nil {
			return
		}
		if len(c.Keys) == 0 || len(c.Keys) > maxCryptoKeys {
			t.Fatalf("%q: %d keys", s, len(c.Keys))
		}
		back, err := ParseCrypto(c.String())
		if err != nil {
			t.Fatalf("%q formats as %q, which does not parse: %v", s, c.String(), err)
		}
		if back.String() != c.String() {
			t.Fatalf("%q: %q then %q", s, c.String(), back.String())
		}
		// A cipher from any parsed attribute is built or refused, no panic.
		if x, err := NewSRTP(c, c); err == nil {
			_, _ = x.DecryptRTP(nil, []byte(s))
			_, _ = x.DecryptRTCP(nil, []byte(s))
		}
	})
}
