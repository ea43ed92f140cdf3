package secretfile

import (
	"errors"
	"testing"
)

func TestFirstLine(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		err            error
	}{
		{"one line", "secret120\n", "secret120", nil},
		{"no newline", "secret120", "secret120", nil},
		{"CR LF", "secret120\r\nsecond\r\n", "secret120", nil},
		{"inner blanks kept", " pass word \n", " pass word ", nil},
		{"empty file", "", "", ErrEmpty},
		{"empty first line", "\nsecret", "", ErrEmpty},
		{"CR only", "\r\n", "", ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FirstLine([]byte(tc.in))
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("FirstLine(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}
