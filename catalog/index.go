package catalog

import (
	"cmp"
	"slices"
	"sync"
)

// index is what a Catalog looks things up in: build makes it from the
// data files, and data_gen.go holds the one build makes of data/*.json as
// a Go literal (go generate ./catalog; TestGeneratedDataCurrent fails when
// it is stale). A single check needs the catalogue, and decoding ~300 KB
// of JSON and indexing it in every process was most of its start-up
// (issue 13): sorted slices of strings and ints, searched by binary
// search, are laid out by the compiler as static data, so the built-in
// catalogue costs a process nothing to load. It is never written.
type index struct {
	entries  []entry     // sorted by id
	codes    []codeRef   // sorted by code
	classes  []codeRef   // class fallbacks, sorted by class (code 1..6)
	words    []wordRef   // normalised explain words, sorted
	phrases  []phrase    // standard and vendor reason phrases, in data order
	q850     []causeData // sorted by code
	warnings []causeData // sorted by code
	notes    []namedNote // sorted by key
	tried    []triedData // sorted by id, in data order within one
}

// codeRef is a status code (or class) with the entry that explains it
// and, for a code, its registered reason phrase.
type codeRef struct {
	code  int
	name  string
	entry int // index into entries
}

// wordRef is an explain word and its entry.
type wordRef struct {
	norm  string
	entry int
}

// namedKind is one failure kind's override of an entry's text.
type namedKind struct {
	name string
	kindData
}

// namedNote is a note template under its key.
type namedNote struct {
	key string
	noteData
}

// defaultCatalog wraps the generated index once. The data is part of the
// binary and the package tests check every text of it (Load).
var defaultCatalog = sync.OnceValue(func() *Catalog { return newCatalog(&generatedIndex) })

func newCatalog(idx *index) *Catalog {
	return &Catalog{index: idx, texts: make([]decodedText, 2*len(idx.entries))}
}

// decodedText is an entry's text in one language, decoded once.
type decodedText struct {
	once sync.Once
	t    text
}

// text is e's wording in lang; a missing or malformed one (which Load
// reports, and the package tests reject for the built-in data) is empty.
func (c *Catalog) text(e *entry, lang Lang) text {
	i := 2*e.n + pick(lang, 0, 1)
	d := &c.texts[i]
	d.once.Do(func() { d.t, _ = pick(lang, e.en, e.ru).decode() })
	return d.t
}

// entryByID is the entry with that id, nil if none.
func (c *Catalog) entryByID(id string) *entry {
	i, ok := slices.BinarySearchFunc(c.entries, id, func(e entry, id string) int { return cmp.Compare(e.id, id) })
	if !ok {
		return nil
	}
	return &c.entries[i]
}

// at is the entry a reference points to.
func (c *Catalog) at(i int) *entry { return &c.entries[i] }

// codeEntry is the entry that explains a bare status code, nil if none.
func (c *Catalog) codeEntry(code int) *entry {
	if r, ok := findCode(c.codes, code); ok {
		return c.at(r.entry)
	}
	return nil
}

// classEntry is the fallback for unregistered codes of the class (4 for
// 4xx), nil if none.
func (c *Catalog) classEntry(class int) *entry {
	if r, ok := findCode(c.classes, class); ok {
		return c.at(r.entry)
	}
	return nil
}

func findCode(refs []codeRef, code int) (codeRef, bool) {
	i, ok := slices.BinarySearchFunc(refs, code, func(r codeRef, code int) int { return cmp.Compare(r.code, code) })
	if !ok {
		return codeRef{}, false
	}
	return refs[i], true
}

// wordEntry is the entry a normalised explain word selects, nil if none.
func (c *Catalog) wordEntry(norm string) *entry {
	i, ok := slices.BinarySearchFunc(c.words, norm, func(w wordRef, n string) int { return cmp.Compare(w.norm, n) })
	if !ok {
		return nil
	}
	return c.at(c.words[i].entry)
}

// q850Of is the Q.850 cause n.
func (c *Catalog) q850Of(n int) (causeData, bool) { return findCause(c.q850, n) }

// warningOf is the Warning code n (RFC 3261 §20.43).
func (c *Catalog) warningOf(n int) (causeData, bool) { return findCause(c.warnings, n) }

func findCause(list []causeData, n int) (causeData, bool) {
	i, ok := slices.BinarySearchFunc(list, n, func(q causeData, n int) int { return cmp.Compare(q.Code, n) })
	if !ok {
		return causeData{}, false
	}
	return list[i], true
}

// noteOf is the note template key.
func (c *Catalog) noteOf(key string) (noteData, bool) {
	i, ok := slices.BinarySearchFunc(c.notes, key, func(n namedNote, k string) int { return cmp.Compare(n.key, k) })
	if !ok {
		return noteData{}, false
	}
	return c.notes[i].noteData, true
}

// triedOf is the tagged remedies of the entry id.
func (c *Catalog) triedOf(id string) []triedData {
	cmpID := func(t triedData, id string) int { return cmp.Compare(t.ID, id) }
	i, _ := slices.BinarySearchFunc(c.tried, id, cmpID)
	j := i
	for j < len(c.tried) && c.tried[j].ID == id {
		j++
	}
	return c.tried[i:j]
}

// kind is e's override for the failure kind k.
func (e *entry) kind(k string) (kindData, bool) {
	for _, kd := range e.kinds {
		if kd.name == k {
			return kd.kindData, true
		}
	}
	return kindData{}, false
}
