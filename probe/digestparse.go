package probe

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/icholy/digest"
)

// parseChallenge parses a Digest challenge (RFC 7616 §3.3) exactly as
// digest.ParseChallenge does — same grammar, same fields, same errors
// accepted and refused (digestparse_test.go holds the two side by side) —
// without the 4 KB bufio.Reader that one allocates per header, which was
// an eighth of a sweep's allocations.
func parseChallenge(s string) (*digest.Challenge, error) {
	s, ok := digest.CutPrefix(s)
	if !ok {
		return nil, errors.New("digest: invalid challenge prefix")
	}
	var c digest.Challenge
	p := paramScanner{s: s}
	for i := 0; ; i++ {
		p.skipWhite()
		if p.i >= len(p.s) {
			break
		}
		key, value, err := p.param(i == 0)
		if err != nil {
			return nil, fmt.Errorf("digest: invalid challenge: param: %w", err)
		}
		switch key {
		case "realm":
			c.Realm = value
		case "domain":
			c.Domain = strings.Fields(value)
		case "nonce":
			c.Nonce = value
		case "algorithm":
			c.Algorithm = value
		case "stale":
			c.Stale = strings.ToLower(value) == "true"
		case "opaque":
			c.Opaque = value
		case "qop":
			c.QOP = strings.Split(value, ",")
		case "charset":
			c.Charset = value
		case "userhash":
			c.Userhash = strings.ToLower(value) == "true"
		}
	}
	return &c, nil
}

// paramScanner reads the comma-separated key=value list of a challenge.
type paramScanner struct {
	s string
	i int
}

// skipWhite skips spaces (only spaces, as the library does).
func (p *paramScanner) skipWhite() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func isIdentByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-'
}

// ident reads a possibly empty token of letters, digits and '-'.
func (p *paramScanner) ident() string {
	start := p.i
	for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *paramScanner) expect(b byte) error {
	if p.i >= len(p.s) {
		return fmt.Errorf("expected '%c', got EOF", b)
	}
	if got := p.s[p.i]; got != b {
		return fmt.Errorf("expected '%c', got '%c'", b, got)
	}
	p.i++
	return nil
}

// quoted reads a quoted string; a backslash escapes the next character.
func (p *paramScanner) quoted() (string, error) {
	if err := p.expect('"'); err != nil {
		return "", err
	}
	// Most values have no escape: return them without a copy. Invalid
	// UTF-8 takes the slow path, which turns it into U+FFFD as the
	// library does.
	if end := strings.IndexAny(p.s[p.i:], "\"\\"); end >= 0 && p.s[p.i+end] == '"' && utf8.ValidString(p.s[p.i:p.i+end]) {
		v := p.s[p.i : p.i+end]
		p.i += end + 1
		return v, nil
	}
	var b strings.Builder
	escaped := false
	for {
		if p.i >= len(p.s) {
			return "", errors.New("EOF")
		}
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += n
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
			continue
		case r == '"':
			return b.String(), nil
		}
		b.WriteRune(r)
	}
}

func (p *paramScanner) param(first bool) (key, value string, err error) {
	p.skipWhite()
	if !first {
		if err := p.expect(','); err != nil {
			return "", "", err
		}
		p.skipWhite()
	}
	key = p.ident()
	p.skipWhite()
	if err := p.expect('='); err != nil {
		return "", "", err
	}
	p.skipWhite()
	if p.i < len(p.s) && p.s[p.i] == '"' {
		value, err = p.quoted()
	} else {
		value = p.ident()
	}
	return key, value, err
}
