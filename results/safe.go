package results

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text a server sends (a reason phrase, a Server header, an SDP line, a
// whole message in the --trace ladder) is data. Printed raw, control
// characters in it drive the reader's terminal: ESC [2J clears the screen,
// OSC 0 sets the window title, OSC 52 writes the clipboard, and the bidi
// overrides reorder what is shown (CVE-2021-42574, "Trojan Source"). Every
// text renderer passes such strings through Safe or SafeLines, which show
// those characters as visible escapes instead. JSON escapes them itself.

// Safe returns s for one line of output: control characters (C0 with
// newline and tab, DEL, C1), the Unicode bidi controls and line separators
// become visible escapes (\x1b, \r, \n, \t, \u202e); invalid UTF-8 bytes
// become \xNN. Everything printable, Cyrillic included, is kept.
func Safe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	escapeTo(&b, s)
	return b.String()
}

// SafeLines is Safe for multi-line text such as a raw SIP message: the
// line structure stays (each "\n", and a "\r" just before it, ends a
// line), and everything else is escaped as Safe does.
func SafeLines(s string) string {
	// Each line on its own: with the line breaks taken out, the bytes of
	// two invalid lines ("\xc9" and "\xa1") can join into a valid rune.
	lines := strings.Split(s, "\n")
	clean := true
	for i, l := range lines {
		if i < len(lines)-1 { // a "\r" before the "\n" is the line break's
			l = strings.TrimSuffix(l, "\r")
		}
		clean = clean && !needsEscape(l)
	}
	if clean {
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	for i, l := range lines {
		lines[i] = Safe(strings.TrimSuffix(l, "\r"))
	}
	return strings.Join(lines, "\n")
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n) {
			return true
		}
		i += n
	}
	return false
}

// unsafeRune reports whether a decoded rune must not reach a terminal
// as it is; n is its encoded length (1 with RuneError: an invalid byte).
func unsafeRune(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1:
		return true
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // LS, PS, LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}

func escapeTo(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !unsafeRune(r, n):
			b.WriteString(s[i : i+n])
		case r == utf8.RuneError:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(b, `\x%02x`, r)
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
		i += n
	}
}
