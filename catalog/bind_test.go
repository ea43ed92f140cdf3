package catalog

import (
	"strings"
	"testing"
)

// The --bind safety findings say how many contacts were involved and what
// became of them, in both languages.
func TestBindNotes(t *testing.T) {
	ok := &Reply{Code: 200, Reason: "OK"}
	for _, tc := range []struct {
		name   string
		ex     Exchange
		lang   Lang
		id     string
		want   []string
		absent string
	}{
		{"would evict", Exchange{Method: "REGISTER", Final: ok, BindWouldEvict: true, Registered: 2}, EN, "bind-would-evict",
			[]string{"Contacts registered on the account: 2", "--allow-evict"}, "Not restored"},
		{"evicted and restored", Exchange{Method: "REGISTER", Final: ok, ContactEvicted: true, Evicted: 1, Restored: 1}, EN, "contact-evicted",
			[]string{"dropped when sipprobe bound its own: 1", "same URI and the expiry they had left: 1"}, "Not restored"},
		{"evicted, not restored", Exchange{Method: "REGISTER", Final: ok, ContactEvicted: true, Evicted: 1}, EN, "contact-evicted",
			[]string{"Not restored with the same URI: 1", "next registration refresh"}, "expiry they had left"},
		{"evicted, not restored, Russian", Exchange{Method: "REGISTER", Final: ok, ContactEvicted: true, Evicted: 1}, RU, "contact-evicted",
			[]string{"Не восстановлено с тем же URI: 1"}, "Перерегистрировано"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Default().Diagnose(tc.ex, tc.lang)
			if d.ID != tc.id || d.Severity != SeverityWarning {
				t.Fatalf("got %s/%s, want %s/warning", d.ID, d.Severity, tc.id)
			}
			notes := strings.Join(d.Notes, "\n")
			for _, w := range tc.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes lack %q:\n%s", w, notes)
				}
			}
			if strings.Contains(notes, tc.absent) {
				t.Errorf("notes say %q:\n%s", tc.absent, notes)
			}
		})
	}
}
