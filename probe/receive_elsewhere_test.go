package probe

import "testing"

// TestCompletedElsewhere: only a CANCEL whose Reason says another branch
// answered (RFC 3326) makes a call "taken elsewhere"; a caller giving up
// CANCELs without one, and then our lost 2xx is the finding.
func TestCompletedElsewhere(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   bool
	}{
		{`SIP;cause=200;text="Call completed elsewhere"`, true},
		{`SIP ; cause = 200`, true},
		{`sip;cause=200`, true},
		{`Q.850;cause=26;text="NON_SELECTED_USER_CLEARING"`, true},
		{`Q.850;cause=16, SIP;cause=200`, true},
		{``, false},
		{`Q.850;cause=16;text="NORMAL_CLEARING"`, false},
		{`SIP;cause=487`, false},
		{`SIP;text="cause=200"`, false},
		{`Q.850;cause=200`, false},
		{`;;;=`, false},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if got := completedElsewhere(tc.reason); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
