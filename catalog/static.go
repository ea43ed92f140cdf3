package catalog

import "sync"

// The JSON files in data/ are what people edit; data_gen.go holds the same
// data as Go literals (go generate ./catalog writes it, and
// TestGeneratedDataCurrent fails when it is stale). A single check needs
// the catalogue, and decoding ~300 KB of JSON in every process was most of
// its start-up (issue 13): literals of strings, ints and slices are laid
// out by the compiler as static data, so Default only builds the index.

// staticData is fileData in a shape the compiler can lay out statically:
// no maps, no funcs. It is never written.
type staticData struct {
	entries  []staticEntry
	q850     []causeData
	warnings []causeData
	notes    []staticNote // sorted by key
	tried    []triedData
}

// staticEntry is an entryData; the wording stays the raw JSON it is
// written in, decoded on first use (lazyText).
type staticEntry struct {
	id       string
	severity Severity
	codes    []string
	phrases  []string
	related  []int
	words    []string
	class    int
	en, ru   string
	kinds    []staticKind // sorted by name
}

// staticKind is one failure kind's override of an entry's text.
type staticKind struct {
	name string
	kindData
}

// staticNote is a note template under its key.
type staticNote struct {
	key string
	noteData
}

// fileData turns the literal into what build indexes.
func (s *staticData) fileData() fileData {
	d := fileData{
		Entries:  make([]entryData, len(s.entries)),
		Q850:     s.q850,
		Warnings: s.warnings,
		Notes:    make(map[string]noteData, len(s.notes)),
		Tried:    s.tried,
	}
	for i, se := range s.entries {
		d.Entries[i] = entryData{ID: se.id, Severity: se.severity, Codes: se.codes, Phrases: se.phrases,
			Related: se.related, Words: se.words, Class: se.class, EN: lazyJSON(se.en), RU: lazyJSON(se.ru)}
		if len(se.kinds) > 0 {
			d.Entries[i].Kinds = make(map[string]kindData, len(se.kinds))
			for _, k := range se.kinds {
				d.Entries[i].Kinds[k.name] = k.kindData
			}
		}
	}
	for _, n := range s.notes {
		d.Notes[n.key] = n.noteData
	}
	return d
}

// defaultCatalog builds the generated data's index once. The data is part
// of the binary and TestEmbeddedCatalogLoads checks every text of it, so
// only the index is built here; a failure is a programming error that the
// package tests catch, and at run time it degrades to a minimal catalogue
// instead of panicking.
var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := build(generatedData.fileData(), false)
	if err != nil {
		return fallbackCatalog(err)
	}
	return c
})
