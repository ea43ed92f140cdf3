package results

import (
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// The text output says in plain lines what --bind did to the account.
func TestTextBindEviction(t *testing.T) {
	yes, no, one := true, false, 1
	tests := []struct {
		name   string
		d      Details
		want   []string
		absent []string
	}{
		{"bind skipped", Details{Mode: "bind", BindSkipped: true, Contacts: []Contact{{URI: "sip:120@192.0.2.44:5062", Expires: 3600}}, ContactCount: &one},
			[]string{"Mode: bind skipped", "--allow-evict", "Registered contacts: 1", "sip:120@192.0.2.44:5062 expires 3600s"}, []string{"Evicted"}},
		{"restored", Details{Mode: "bind", BoundContact: "sip:sipprobe-1@127.0.0.1:5", BindingVerified: &yes, Unbound: &yes,
			Evicted: []EvictedContact{{URI: "sip:120@192.0.2.44:5062", Expires: 3590, Restored: true}}},
			[]string{"Evicted by our binding: 1", "sip:120@192.0.2.44:5062: restored with the same URI, expires 3590s"}, []string{"not restored"}},
		{"rewritten", Details{Mode: "bind", Evicted: []EvictedContact{{URI: "sip:120@192.0.2.44:5062", Expires: 3590, RewrittenAs: "sip:120@127.0.0.1:5", RewriteRemoved: &yes}}},
			[]string{"not restored — the registrar stored it as sip:120@127.0.0.1:5 (removed again: yes)", "next refresh, within 3590s"}, nil},
		{"rewritten, not removed", Details{Mode: "bind", Evicted: []EvictedContact{{URI: "sip:120@x", Expires: 10, RewrittenAs: "sip:120@y", RewriteRemoved: &no}}},
			[]string{"(removed again: no)"}, nil},
		{"refused, control characters escaped", Details{Mode: "bind", Evicted: []EvictedContact{{URI: "sip:120@x\x1b[31m", Expires: 10, Error: "403 No\x07"}}},
			[]string{`sip:120@x\x1b[31m: not restored (403 No\x07)`}, []string{"\x1b", "\x07"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeDetails(&b, Result{Details: &tt.d}, catalog.EN)
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("output has %q:\n%s", a, out)
				}
			}
		})
	}
}

// TestEvictedCount: "1 contact", "2 contacts", not "contact(s)".
func TestEvictedCount(t *testing.T) {
	one := []EvictedContact{{URI: "sip:120@a", Restored: true}}
	two := append(one, EvictedContact{URI: "sip:120@b", Restored: true})
	tests := []struct {
		name string
		ev   []EvictedContact
		lang catalog.Lang
		want string
	}{
		{"one", one, catalog.EN, "Evicted by our binding: 1 contact\n"},
		{"two", two, catalog.EN, "Evicted by our binding: 2 contacts\n"},
		{"Russian", two, catalog.RU, "Вытеснено нашей регистрацией контактов: 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writeEvicted(&b, tt.ev, tt.lang)
			if first, _, _ := strings.Cut(b.String(), "\n"); first+"\n" != tt.want {
				t.Errorf("first line %q, want %q", first, tt.want)
			}
		})
	}
}
