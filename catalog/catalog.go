// Package catalog maps what a probe saw to a diagnosis with causes and
// remedies. The entries are data (data/*.json, compiled in as
// data_gen.go); the rules that pick one are small (rules.go) and
// table-tested.
package catalog

import (
	"fmt"
	"io/fs"
	"slices"
)

// Catalog is the loaded, validated set of entries. It is immutable: every
// method returns copies, so callers may change what they get.
type Catalog struct {
	*index
	texts []decodedText // entry n's English at 2n, Russian at 2n+1
}

// entry is a validated catalogue entry.
type entry struct {
	n        int // its place in index.entries
	id       string
	sev      Severity
	codes    []int
	phrases  []string // "403 Wrong Guess", as written
	related  []int
	words    []string
	class    int
	en, ru   lazyText
	kinds    []namedKind // sorted by name
	specific bool        // has vendor phrases: more precise than a bare code
}

// Default returns the built-in catalogue: data/*.json as the index
// data_gen.go holds, checked by the package tests.
func Default() *Catalog { return defaultCatalog() }

// Load reads and validates the *.json data files at the root of fsys. The
// generator and the tests use it (the built-in catalogue is Default); it
// stays exported for a catalogue kept in files of one's own.
func Load(fsys fs.FS) (*Catalog, error) {
	d, err := readData(fsys)
	if err != nil {
		return nil, err
	}
	return build(d)
}

// Lookup returns the entry with that id, with placeholders left empty.
func (c *Catalog) Lookup(id string, lang Lang) (Diagnosis, bool) {
	e := c.entryByID(id)
	if e == nil {
		return Diagnosis{}, false
	}
	return c.render(e, "", lang, vars{}), true
}

// LookupErr is Lookup with an error that wraps ErrUnknownID.
func (c *Catalog) LookupErr(id string, lang Lang) (Diagnosis, error) {
	d, ok := c.Lookup(id, lang)
	if !ok {
		return d, fmt.Errorf("%w: %q", ErrUnknownID, id)
	}
	return d, nil
}

// Has reports whether id names an entry (used to validate expectations).
func (c *Catalog) Has(id string) bool { return c.entryByID(id) != nil }

// Entry describes one catalogue entry for listings.
type Entry struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Codes are the status codes the entry explains by default.
	Codes []int `json:"codes,omitempty"`
	// Phrases are the "CODE Reason" variants that select it.
	Phrases []string `json:"phrases,omitempty"`
	// Related are codes that context rules map to it.
	Related []int `json:"related,omitempty"`
	// Class is set for the fallback of unregistered NXX codes.
	Class int `json:"class,omitempty"`
	// Words are the outcome words `catalog explain` accepts for it.
	Words []string `json:"words,omitempty"`
	// Kinds are the failure kinds with their own summary (TLS, DNS).
	Kinds []string `json:"kinds,omitempty"`
}

// AllCodes is every status code the entry concerns, sorted.
func (e Entry) AllCodes() []int {
	all := slices.Concat(e.Codes, e.Related)
	for _, p := range e.Phrases {
		if code, _, ok := splitPhrase(p); ok && code > 0 {
			all = append(all, code)
		}
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// Entries lists every entry, sorted by id.
func (c *Catalog) Entries() []Entry {
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		ee := Entry{
			ID: e.id, Severity: e.sev, Class: e.class,
			Codes:   slices.Clone(e.codes),
			Phrases: slices.Clone(e.phrases),
			Related: slices.Clone(e.related),
			Words:   slices.Clone(e.words),
		}
		for _, k := range e.kinds {
			ee.Kinds = append(ee.Kinds, k.name)
		}
		out = append(out, ee)
	}
	return out
}

// StandardReason is the registered reason phrase of code ("" if none).
func (c *Catalog) StandardReason(code int) string {
	r, _ := findCode(c.codes, code)
	return r.name
}
