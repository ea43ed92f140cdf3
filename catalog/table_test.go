package catalog

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's verdict table from the catalogue")

const (
	tableBegin = "<!-- verdict-table:begin (generated: go test ./catalog -run TestREADMEVerdictTable -update) -->\n"
	tableEnd   = "<!-- verdict-table:end -->"
)

// TestREADMEVerdictTable keeps the README's table of ids, severities, exit
// codes and probe kinds equal to what the catalogue and its rules say.
func TestREADMEVerdictTable(t *testing.T) {
	var table bytes.Buffer
	if err := Default().WriteVerdictTable(&table); err != nil {
		t.Fatal(err)
	}
	const path = "../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok := strings.Cut(string(readme), tableBegin)
	_, after, ok2 := strings.Cut(rest, tableEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md lacks the markers %q … %q", tableBegin, tableEnd)
	}
	want := before + tableBegin + table.String() + tableEnd + after
	if want == string(readme) {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's verdict table is out of date: run go test ./catalog -run TestREADMEVerdictTable -update")
}

// TestOccurrences spot-checks the computed probe kinds against the rules
// they come from.
func TestOccurrences(t *testing.T) {
	occ := Default().Occurrences()
	for _, tc := range []struct {
		id   string
		want string
	}{
		{"ok", "OPTIONS REGISTER INVITE RECEIVE"},
		{"options-answered", "OPTIONS"},
		{"auth-required-alive", "OPTIONS"},
		{"no-contacts", "REGISTER"},
		{"bind-would-evict", "REGISTER"},
		{"receive-would-evict", "RECEIVE"},
		{"inbound-not-delivered", "RECEIVE"},
		{"inbound-ack-lost", "RECEIVE"},
		{"codec-mismatch", "OPTIONS REGISTER INVITE RECEIVE"}, // 488 variants answer anything
		{"ack-not-received", "INVITE"},
		{"no-answer", "INVITE"},
		{"unknown-user", "OPTIONS REGISTER INVITE RECEIVE"}, // "403 No Such User" can answer anything
		{"registration-forbidden", "REGISTER RECEIVE"},
		{"tls-cert-expiring", "OPTIONS REGISTER INVITE RECEIVE"},
		{"fail2ban-ban", "OPTIONS REGISTER INVITE RECEIVE"},
		{"expectation-failed", "OPTIONS REGISTER INVITE RECEIVE"},
		{"ringing", ""}, // a 1xx is never final
	} {
		t.Run(tc.id, func(t *testing.T) {
			if got := strings.Join(occ[tc.id], " "); got != tc.want {
				t.Errorf("%s occurs on %q, want %q", tc.id, got, tc.want)
			}
		})
	}
	for id := range occ {
		if !Default().Has(id) {
			t.Errorf("the rules choose %q, which the catalogue lacks", id)
		}
	}
}
