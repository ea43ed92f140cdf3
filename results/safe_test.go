package results

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafe(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "403 Wrong Guess", "403 Wrong Guess"},
		{"cyrillic unchanged", "Доступ запрещён", "Доступ запрещён"},
		{"escape sequences visible", "403 \x1b[2J\x1b[31mPWNED\x1b]0;title\x07", `403 \x1b[2J\x1b[31mPWNED\x1b]0;title\x07`},
		{"line structure of a field escaped", "OK\r\nDiagnosis: ok\tx", `OK\r\nDiagnosis: ok\tx`},
		{"DEL and NUL", "a\x7fb\x00", `a\x7fb\x00`},
		{"C1 controls (CSI U+009B)", "a\u009b31mb\u0085", `a\u009b31mb\u0085`},
		{"bidi overrides and isolates", "abc\u202edcba\u2066x\u2069\u200f", `abc\u202edcba\u2066x\u2069\u200f`},
		{"invalid UTF-8 bytes", "a\xff\xc2b", `a\xff\xc2b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Safe(tt.in); got != tt.want {
				t.Fatalf("Safe(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSafeLines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"CRLF lines become lines", "SIP/2.0 200 OK\r\nServer: x\r\n", "SIP/2.0 200 OK\nServer: x\n"},
		{"controls inside a line escaped, lines kept", "SIP/2.0 403 \x1b[2J\r\nServer: a\rb\x07\r\n", "SIP/2.0 403 \\x1b[2J\nServer: a\\rb\\x07\n"},
		{"bidi in a header", "Server: \u202eevil\n", "Server: \\u202eevil\n"},
		// Found by FuzzWriteText: with the break taken out, \xc9\xa1 is a
		// valid rune; each line on its own is invalid UTF-8.
		{"invalid bytes split by a line break", "\xc9\n\xa1", "\\xc9\n\\xa1"},
		{"a lone carriage return at the end", "Server: x\r", "Server: x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeLines(tt.in); got != tt.want {
				t.Fatalf("SafeLines(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// terminalClean reports the first thing in out that could drive a
// terminal: a control byte other than newline and tab, DEL, a C1 control,
// a bidi control, or invalid UTF-8.
func terminalClean(out string) (bad string, ok bool) {
	if !utf8.ValidString(out) {
		return "invalid UTF-8", false
	}
	for i, r := range out {
		if r == '\n' || r == '\t' {
			continue
		}
		if unsafeRune(r, utf8.RuneLen(r)) {
			lo := strings.LastIndexByte(out[:i], '\n') + 1
			hi := strings.IndexByte(out[i:], '\n')
			if hi < 0 {
				hi = len(out) - i
			}
			return out[lo : i+hi], false
		}
	}
	return "", true
}
