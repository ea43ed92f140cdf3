package catalog

import (
	"maps"
	"strings"
)

// Note is a fact the probe states in its own words (issue 9): a note of the
// catalogue (data/46-probe-notes.json) and its values, so that it reads in
// the language of the result. The probe never writes English text for the
// reader; the catalogue renders it. A Note without a Key is text that is
// not the probe's own words (an OS or library error, addresses) and renders
// as it is, in every language.
type Note struct {
	Key  string
	Vars map[string]string
	// Sub are values that are notes themselves, rendered in the same
	// language; a list is joined with ", ".
	Sub map[string][]Note
}

// Text is a Note holding text that is nobody's to translate.
func Text(s string) Note { return Note{Vars: map[string]string{"text": s}} }

// NewNote is the note key with its values given as name, value pairs.
func NewNote(key string, kv ...string) Note {
	n := Note{Key: key, Vars: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Vars[kv[i]] = kv[i+1]
	}
	return n
}

// With returns n with the note subs rendered into the value name.
func (n Note) With(name string, subs ...Note) Note {
	m := map[string][]Note{}
	maps.Copy(m, n.Sub)
	m[name] = subs
	n.Sub = m
	return n
}

// NoteText renders a probe note in lang. A key the catalogue lacks (a
// programming error the probe tests catch) renders as the key and its
// values rather than nothing.
func (c *Catalog) NoteText(n Note, lang Lang) string {
	v := vars{}
	maps.Copy(v, n.Vars)
	for name, subs := range n.Sub {
		parts := make([]string, 0, len(subs))
		for _, s := range subs {
			if t := c.NoteText(s, lang); t != "" {
				parts = append(parts, t)
			}
		}
		v[name] = strings.Join(parts, ", ")
	}
	if n.Key == "" {
		return v["text"]
	}
	if _, ok := c.noteOf(n.Key); !ok {
		return n.Key + " " + v["text"]
	}
	return c.note(n.Key, lang, v)
}

// HasNote reports whether the catalogue has the note key.
func (c *Catalog) HasNote(key string) bool {
	_, ok := c.noteOf(key)
	return ok
}

// DetailText is the exchange's Detail and DetailNotes in lang, as one
// line: what the transport said or the lookups tried.
func (c *Catalog) DetailText(ex Exchange, lang Lang) string {
	var parts []string
	if d := strings.TrimSpace(ex.Detail); d != "" {
		parts = append(parts, d)
	}
	for _, n := range ex.DetailNotes {
		if t := strings.TrimSpace(c.NoteText(n, lang)); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "; ")
}
