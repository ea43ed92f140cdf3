package catalog

import "testing"

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AUTH Error: Stall nonce", "auth error stall nonce"},
		{"  Call Leg/Transaction   Does Not Exist ", "call leg transaction does not exist"},
		{"Service Unavailablе", "service unavailable"}, // Cyrillic е
		{"Out of Look-Ahead Retries", "out of look ahead retries"},
		{"...", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := normalize(tc.in); got != tc.want {
				t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestPhraseScope: vendor phrases only apply under their own code, or
// under any failure code when registered with "*".
func TestPhraseScope(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		code   int
		reason string
		want   string
	}{
		{403, "Conflict", "account-in-use"},
		{500, "Conflict", "server-error"},
		{180, "Codec Mismatch", "ringing"},
		{503, "Codec Mismatch", "codec-mismatch"},
		{404, "Out of Order", "no-route"},
		{500, "Out of Order", "server-error"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if d := c.Explain(tc.code, tc.reason, EN); d.ID != tc.want {
				t.Errorf("%d %q: got %s, want %s", tc.code, tc.reason, d.ID, tc.want)
			}
		})
	}
}
