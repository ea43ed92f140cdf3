package localaddr

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		laddr string
		want  error
	}{
		{"empty is left to Validate", "", nil},
		{"malformed is left to Validate", "not-an-ip", nil},
		{"loopback", "127.0.0.1", nil},
		{"loopback with a port", "127.0.0.1:5099", nil},
		{"any address", "0.0.0.0", nil},
		// TEST-NET-3 and the IPv6 documentation prefix (RFC 5737, RFC 3849)
		// are on no interface of a test machine.
		{"TEST-NET-3", "203.0.113.77", ErrNotLocal},
		{"TEST-NET-3 with a port", "203.0.113.77:5099", ErrNotLocal},
		{"IPv6 documentation prefix", "2001:db8::77", ErrNotLocal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.laddr)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Errorf("Check(%q) = %v, want %v", tc.laddr, err, tc.want)
			}
		})
	}
}
