package scenarios

import (
	"crypto/sha256"
	"testing"

	"github.com/sipprobe/sipprobe/probe"
)

// TestTakeRetry: a retry given for new credentials lets exactly one probe
// with those credentials through; another entry of the same account that
// still has the refused password gets no pass (one more refusal would be
// one more fail2ban strike), nor does a second probe.
func TestTakeRetry(t *testing.T) {
	job := func(name, password string) Job {
		return Job{Name: name, Account: "120@sip:pbx", Config: probe.Config{User: "120", Password: password}}
	}
	fixed, stale := job("reg-fixed", "new"), job("reg-stale", "old")
	a := &accounts{retry: map[string][sha256.Size]byte{fixed.Account: CredentialsDigest(fixed)}}
	for _, tc := range []struct {
		name string
		j    Job
		want bool
	}{
		{"the entry still sending the refused password", stale, false},
		{"the entry with the new password", fixed, true},
		{"the same entry again", fixed, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.takeRetry(tc.j); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if CredentialsDigest(fixed) == CredentialsDigest(stale) {
		t.Error("different passwords, one digest")
	}
}
