package editdist

import "testing"

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"undecipherable", "undeciperable", 2, 1},
		{"stale nonce", "stall nonce", 1, 1},
		{"kitten", "sitting", 5, 3},
		{"abc", "xyz", 1, 2}, // gives up past the limit
		{"", "abc", 3, 3},
	} {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			if got := Distance([]rune(tc.a), []rune(tc.b), tc.limit); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}
