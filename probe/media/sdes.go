package media

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SDES crypto suites we offer and accept (RFC 4568 §6.2). Both use a
// 128-bit AES-CM key and a 112-bit salt; they differ in the RTP
// authentication tag (80 or 32 bits).
const (
	SuiteAES128SHA1_80 = "AES_CM_128_HMAC_SHA1_80"
	SuiteAES128SHA1_32 = "AES_CM_128_HMAC_SHA1_32"
)

// Sizes of an AES_CM_128 master key and salt in bytes (RFC 3711 §8.2).
const (
	masterKeyLen  = 16
	masterSaltLen = 14
)

// Limits that keep a hostile attribute from costing more than it is worth.
const (
	maxCryptoLen  = 4096
	maxCryptoKeys = 16
)

var (
	// ErrUnknownSuite: the attribute names a crypto suite we do not do; the
	// offer/answer skips it (RFC 4568 §6.2), it is no error of the peer.
	ErrUnknownSuite = errors.New("unknown SRTP crypto suite")
	// ErrCryptoAttr: the a=crypto attribute cannot be read.
	ErrCryptoAttr = errors.New("malformed a=crypto attribute")
)

// MasterKey is one inline key parameter: master key and salt, with its
// optional lifetime and MKI (RFC 4568 §9.1, key-info).
type MasterKey struct {
	Key, Salt []byte
	Lifetime  string // as written ("2^31", "1048576"), informational
	MKI       uint64 // the MKI value, when MKILen > 0
	MKILen    int    // MKI length in bytes on the wire, 0: no MKI
}

// Crypto is one a=crypto attribute (RFC 4568 §9.1):
//
//	a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]
type Crypto struct {
	Tag    int
	Suite  string
	Keys   []MasterKey
	Params []string // session parameters (KDR=, UNENCRYPTED_SRTP, …)
}

// NewCrypto returns an attribute for suite with a fresh random master key
// and salt, from crypto/rand: every call, and so every offer, has its own.
func NewCrypto(tag int, suite string) (Crypto, error) {
	if !knownSuite(suite) {
		return Crypto{}, fmt.Errorf("%w: %q", ErrUnknownSuite, suite)
	}
	buf := make([]byte, masterKeyLen+masterSaltLen)
	if _, err := rand.Read(buf); err != nil {
		return Crypto{}, err
	}
	return Crypto{Tag: tag, Suite: suite, Keys: []MasterKey{{Key: buf[:masterKeyLen], Salt: buf[masterKeyLen:]}}}, nil
}

func knownSuite(s string) bool { return s == SuiteAES128SHA1_80 || s == SuiteAES128SHA1_32 }

// String is the attribute's value, what follows "a=crypto:".
func (c Crypto) String() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(c.Tag) + " " + c.Suite + " ")
	for i, k := range c.Keys {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString("inline:" + base64.StdEncoding.EncodeToString(append(append([]byte(nil), k.Key...), k.Salt...)))
		if k.Lifetime != "" {
			b.WriteString("|" + k.Lifetime)
		}
		if k.MKILen > 0 {
			b.WriteString("|" + strconv.FormatUint(k.MKI, 10) + ":" + strconv.Itoa(k.MKILen))
		}
	}
	for _, p := range c.Params {
		b.WriteString(" " + p)
	}
	return b.String()
}

// ParseCrypto reads the value of an a=crypto attribute. A suite we do not
// know is ErrUnknownSuite (skip the line); anything else unreadable is
// ErrCryptoAttr with the reason.
func ParseCrypto(value string) (Crypto, error) {
	if len(value) > maxCryptoLen {
		return Crypto{}, fmt.Errorf("%w: longer than %d bytes", ErrCryptoAttr, maxCryptoLen)
	}
	f := strings.Fields(value)
	if len(f) < 3 {
		// Not the value itself: it may hold a key (see probe/redact.go).
		return Crypto{}, fmt.Errorf("%w: want <tag> <suite> inline:<key>, got %d fields", ErrCryptoAttr, len(f))
	}
	var c Crypto
	tag, err := strconv.Atoi(f[0])
	// tag = 1*9DIGIT (RFC 4568 §9.1)
	if err != nil || tag < 0 || len(f[0]) > 9 {
		return Crypto{}, fmt.Errorf("%w: tag %q is not a number", ErrCryptoAttr, f[0])
	}
	c.Tag, c.Suite = tag, f[1]
	if !knownSuite(c.Suite) {
		return c, fmt.Errorf("%w: %q", ErrUnknownSuite, c.Suite)
	}
	params := strings.Split(f[2], ";")
	if len(params) > maxCryptoKeys {
		return Crypto{}, fmt.Errorf("%w: more than %d keys", ErrCryptoAttr, maxCryptoKeys)
	}
	for _, p := range params {
		k, err := parseKey(p)
		if err != nil {
			return Crypto{}, err
		}
		c.Keys = append(c.Keys, k)
	}
	if len(c.Keys) > 1 {
		for _, k := range c.Keys {
			if k.MKILen == 0 {
				// Several keys are told apart by their MKI (RFC 4568 §6.1).
				return Crypto{}, fmt.Errorf("%w: several keys without MKI", ErrCryptoAttr)
			}
		}
	}
	c.Params = f[3:]
	return c, nil
}

// parseKey reads "inline:<key||salt>[|lifetime][|MKI:length]".
func parseKey(p string) (MasterKey, error) {
	method, info, ok := strings.Cut(p, ":")
	if !ok {
		return MasterKey{}, fmt.Errorf("%w: key parameter without inline:", ErrCryptoAttr)
	}
	if !strings.EqualFold(method, "inline") {
		return MasterKey{}, fmt.Errorf("%w: key method %q (want inline:)", ErrCryptoAttr, method)
	}
	parts := strings.Split(info, "|")
	if len(parts) > 3 {
		return MasterKey{}, fmt.Errorf("%w: key has %d |-fields, at most 3", ErrCryptoAttr, len(parts))
	}
	raw, err := base64.StdEncoding.DecodeString(parts[0])
	if err != nil {
		// Some implementations drop the padding.
		if raw, err = base64.RawStdEncoding.DecodeString(parts[0]); err != nil {
			return MasterKey{}, fmt.Errorf("%w: key is not base64", ErrCryptoAttr)
		}
	}
	if len(raw) != masterKeyLen+masterSaltLen {
		return MasterKey{}, fmt.Errorf("%w: key||salt is %d bytes, want %d", ErrCryptoAttr, len(raw), masterKeyLen+masterSaltLen)
	}
	k := MasterKey{Key: raw[:masterKeyLen], Salt: raw[masterKeyLen:]}
	for _, x := range parts[1:] {
		if v, l, isMKI := strings.Cut(x, ":"); isMKI {
			if k.MKILen != 0 {
				return MasterKey{}, fmt.Errorf("%w: two MKIs", ErrCryptoAttr)
			}
			mki, err1 := strconv.ParseUint(v, 10, 64)
			n, err2 := strconv.Atoi(l)
			// mki-length = 1*3DIGIT, 1 to 128 (RFC 4568 §9.1); the value
			// must fit that many bytes.
			if err1 != nil || err2 != nil || n < 1 || n > 128 || (n < 8 && mki >= 1<<(8*n)) {
				return MasterKey{}, fmt.Errorf("%w: MKI %q", ErrCryptoAttr, x)
			}
			k.MKI, k.MKILen = mki, n
			continue
		}
		if k.Lifetime != "" || k.MKILen != 0 || !validLifetime(x) {
			return MasterKey{}, fmt.Errorf("%w: lifetime %q", ErrCryptoAttr, x)
		}
		k.Lifetime = x
	}
	return k, nil
}

// validLifetime: ["2^"] 1*DIGIT (RFC 4568 §9.1).
func validLifetime(s string) bool {
	s = strings.TrimPrefix(s, "2^")
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
