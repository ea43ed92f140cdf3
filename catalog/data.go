package catalog

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// The catalogue text lives in data/*.json so that wording can change
// without touching the rules. Every file has the same shape (fileData);
// Load merges them and validates the result, and go generate turns them
// into the index data_gen.go holds (index.go), which is what Default is.
// The generator is a test, so it runs on the package as it compiles: after
// changing the index's types, start from "var generatedIndex = index{}".
//
//go:generate go test -run ^TestGeneratedDataCurrent$ . -args -update-gen

// text is one language's wording of an entry.
type text struct {
	Summary  string   `json:"summary"`
	Causes   []string `json:"causes"`
	Remedies []string `json:"remedies"`
}

// kindData overrides an entry's text for one failure kind (TLS and DNS
// failures keep one stable id; the kind changes what the summary says).
type kindData struct {
	EN text `json:"en"`
	RU text `json:"ru"`
	// Only: the kind's causes and remedies replace the entry's instead of
	// coming first; for a kind that is certain (plain SIP answered, so
	// the certificate causes do not apply).
	Only bool `json:"only,omitempty"`
}

// entryData is an entry as written in the data files.
type entryData struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Codes are "486 Busy Here": status codes this entry explains when
	// nothing more specific is known, with their standard reason phrase.
	Codes []string `json:"codes,omitempty"`
	// Phrases are "403 Wrong Guess": vendor reason phrases that mean this
	// entry; "* Codec Mismatch" matches under any 4xx-6xx code.
	Phrases []string `json:"phrases,omitempty"`
	// Related are codes a context rule maps here (shown in listings).
	Related []int `json:"related,omitempty"`
	// Words are what `catalog explain WORD` accepts for this entry.
	Words []string `json:"words,omitempty"`
	// Class makes this the fallback for unregistered codes of that class
	// (4 for 4xx).
	Class int                 `json:"class,omitempty"`
	EN    lazyText            `json:"en"`
	RU    lazyText            `json:"ru"`
	Kinds map[string]kindData `json:"kinds,omitempty"`
}

// causeData is a Q.850 cause (Reason: Q.850;cause=N) or a Warning code.
type causeData struct {
	Code int    `json:"code"`
	Name string `json:"name"`
	// ID, when set, is the entry this cause points to for an INVITE whose
	// status code alone says little (RFC 3398 maps causes to codes).
	ID string `json:"id,omitempty"`
	EN string `json:"en"`
	RU string `json:"ru"`
}

// fileData is the shape of every data file; each fills what it holds.
type fileData struct {
	Entries  []entryData         `json:"entries,omitempty"`
	Q850     []causeData         `json:"q850,omitempty"`
	Warnings []causeData         `json:"warnings,omitempty"`
	Notes    map[string]noteData `json:"notes,omitempty"`
	Tried    []triedData         `json:"tried,omitempty"`
}

// noteData is a note template in both languages.
type noteData struct {
	EN string `json:"en"`
	RU string `json:"ru"`
}

// readData merges every *.json file at the root of fsys, in name order.
func readData(fsys fs.FS) (fileData, error) {
	var all fileData
	all.Notes = map[string]noteData{}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return all, fmt.Errorf("%w: %w", ErrInvalidCatalog, err)
	}
	if len(names) == 0 {
		return all, fmt.Errorf("%w: no *.json files", ErrInvalidCatalog)
	}
	sort.Strings(names)
	for _, name := range names {
		var f fileData
		if err := readFile(fsys, name, &f); err != nil {
			return all, err
		}
		all.Entries = append(all.Entries, f.Entries...)
		all.Q850 = append(all.Q850, f.Q850...)
		all.Warnings = append(all.Warnings, f.Warnings...)
		all.Tried = append(all.Tried, f.Tried...)
		for k, v := range f.Notes {
			if _, dup := all.Notes[k]; dup {
				return all, fmt.Errorf("%w: %s: note %q defined twice", ErrInvalidCatalog, name, k)
			}
			all.Notes[k] = v
		}
	}
	return all, nil
}

// readFile decodes one data file into f.
func readFile(fsys fs.FS, name string, f *fileData) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidCatalog, err)
	}
	if err := json.Unmarshal(b, f); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidCatalog, path.Base(name), err)
	}
	return nil
}
