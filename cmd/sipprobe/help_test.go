package main

import (
	"strings"
	"testing"
)

// TestHelpSaysWhatIsTrue: help lines that once promised more or less than
// the command does.
func TestHelpSaysWhatIsTrue(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want, not string
	}{
		{"show-secrets names SDES keys", []string{"invite", "--help"}, "response= values and SDES inline: keys", ""},
		{"demo does not claim every diagnosis", []string{"--help"}, "demo", "every kind of diagnosis"},
		{"hold 0", []string{"invite", "--help"}, "0: hang up right after the ACK", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stdout, _ := runMain(t, tt.args...)
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("help does not say %q:\n%s", tt.want, stdout)
			}
			if tt.not != "" && strings.Contains(stdout, tt.not) {
				t.Errorf("help still says %q", tt.not)
			}
		})
	}
}
