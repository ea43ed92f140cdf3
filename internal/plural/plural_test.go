package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want string
	}{
		{"none", 0, "0 bad rows"},
		{"one", 1, "1 bad row"},
		{"two", 2, "2 bad rows"},
		{"eleven", 11, "11 bad rows"},
		{"twenty-one", 21, "21 bad rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Count(tc.n, "bad row", "bad rows"); got != tc.want {
				t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
			}
		})
	}
}
