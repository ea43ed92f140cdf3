package probe

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

// Every note the probe writes is in the catalogue, so it renders in both
// languages (catalog/data/46-probe-notes.json) instead of as a bare key.
func TestProbeNotesExist(t *testing.T) {
	keys := map[string]bool{dnsNotFound: true, dnsTimeout: true, dnsRefused: true}
	literal := regexp.MustCompile(`(?:NewNote|wrapNote|problemNote)\("([a-z0-9-]+)"[,)]`) // not "icmp4-" + code
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllSubmatch(b, -1) {
			keys[string(m[1])] = true
		}
	}
	for _, v6 := range []bool{false, true} {
		for typ := range 256 {
			for code := range 256 {
				keys[icmpName(v6, uint8(typ), uint8(code)).Key] = true
			}
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d note keys; is the pattern stale?", len(keys))
	}
	c := catalog.Default()
	for k := range keys {
		if !c.HasNote(k) {
			t.Errorf("note %q is not in the catalogue", k)
		}
	}
}

// A worded error keeps its English text and its cause.
func TestNoteError(t *testing.T) {
	cause := os.ErrDeadlineExceeded
	err := &dialError{err: wrapNote("dial-timeout", cause)}
	if got, want := err.Error(), "connect timed out: "+cause.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if n := noteOf(err); n.Key != "dial-timeout" {
		t.Errorf("noteOf = %+v", n)
	}
	if !strings.Contains(catalog.Default().NoteText(noteOf(err), catalog.RU), "соединение") {
		t.Errorf("Russian: %q", catalog.Default().NoteText(noteOf(err), catalog.RU))
	}
	if n := noteOf(os.ErrClosed); n.Key != "" || n.Vars["text"] != os.ErrClosed.Error() {
		t.Errorf("a foreign error is its text: %+v", n)
	}
}
