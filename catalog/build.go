package catalog

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// idPattern is the shape of a stable id: lower-case words joined by '-'.
var idPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

var validSeverity = map[Severity]bool{
	SeverityOK: true, SeverityInfo: true, SeverityWarning: true,
	SeverityCritical: true, SeverityUnknown: true,
}

// draft is the index while build checks the data: maps, to find
// duplicates and references.
type draft struct {
	entries  []*entry
	byID     map[string]*entry
	byCode   map[int]*entry
	stdName  map[int]string
	byClass  map[int]*entry
	words    map[string]*entry
	phrases  []draftPhrase
	q850     map[int]causeData
	warnings map[int]causeData
	notes    map[string]noteData
}

// draftPhrase is a phrase whose entry is not yet in its place.
type draftPhrase struct {
	phrase
	e *entry
}

// build validates the merged data and indexes it. All problems are
// collected so that one test run shows every mistake in the data.
func build(d fileData) (*Catalog, error) {
	c := &draft{
		byID:     map[string]*entry{},
		byCode:   map[int]*entry{},
		stdName:  map[int]string{},
		byClass:  map[int]*entry{},
		words:    map[string]*entry{},
		q850:     map[int]causeData{},
		warnings: map[int]causeData{},
		notes:    d.Notes,
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	seenPhrase := map[string]string{}
	for i := range d.Entries {
		ed := &d.Entries[i]
		if !idPattern().MatchString(ed.ID) {
			bad("entry %d: bad id %q", i, ed.ID)
			continue
		}
		if _, dup := c.byID[ed.ID]; dup {
			bad("%s: duplicate id", ed.ID)
			continue
		}
		if !validSeverity[ed.Severity] {
			bad("%s: bad severity %q", ed.ID, ed.Severity)
		}
		e := &entry{id: ed.ID, sev: ed.Severity, related: ed.Related, class: ed.Class,
			en: ed.EN, ru: ed.RU, specific: len(ed.Phrases) > 0}
		for _, k := range slices.Sorted(maps.Keys(ed.Kinds)) {
			e.kinds = append(e.kinds, namedKind{name: k, kindData: ed.Kinds[k]})
		}
		checkLazyText(ed.ID, "en", ed.EN, bad)
		checkLazyText(ed.ID, "ru", ed.RU, bad)
		for k, kd := range ed.Kinds {
			checkText(ed.ID+"/"+k, "en", kd.EN, false, bad)
			checkText(ed.ID+"/"+k, "ru", kd.RU, false, bad)
		}
		for _, s := range ed.Codes {
			code, name, ok := splitPhrase(s)
			if !ok || code < 100 || code > 699 || name == "" {
				bad("%s: bad code %q (want \"486 Busy Here\")", ed.ID, s)
				continue
			}
			if other, dup := c.byCode[code]; dup {
				bad("%s: code %d already explained by %s", ed.ID, code, other.id)
				continue
			}
			c.byCode[code] = e
			c.stdName[code] = name
			e.codes = append(e.codes, code)
			c.phrases = append(c.phrases, draftPhrase{newPhrase(code, name, false), e})
		}
		for _, s := range ed.Phrases {
			code, reason, ok := splitPhrase(s)
			n := normalize(reason)
			if !ok || n == "" || (code != 0 && (code < 100 || code > 699)) {
				bad("%s: bad phrase %q (want \"403 Wrong Guess\" or \"* Codec Mismatch\")", ed.ID, s)
				continue
			}
			key := strconv.Itoa(code) + " " + n
			if other, dup := seenPhrase[key]; dup {
				bad("%s: phrase %q already belongs to %s", ed.ID, s, other)
				continue
			}
			seenPhrase[key] = ed.ID
			e.phrases = append(e.phrases, s)
			c.phrases = append(c.phrases, draftPhrase{newPhrase(code, reason, true), e})
		}
		for _, w := range ed.Words {
			n := normalize(w)
			if other, dup := c.words[n]; dup || n == "" {
				bad("%s: word %q empty or already used by %s", ed.ID, w, other.idOrNone())
				continue
			}
			c.words[n] = e
			e.words = append(e.words, w)
		}
		if ed.Class != 0 {
			if ed.Class < 1 || ed.Class > 6 || c.byClass[ed.Class] != nil {
				bad("%s: bad or duplicate class %d", ed.ID, ed.Class)
			}
			c.byClass[ed.Class] = e
		}
		c.byID[e.id] = e
		c.entries = append(c.entries, e)
	}
	// Standard phrases of other codes may repeat a vendor phrase; a vendor
	// phrase may not repeat the standard phrase of its own code.
	for _, p := range c.phrases {
		if p.specific && p.code != 0 && normalize(c.stdName[p.code]) == p.norm {
			bad("%s: phrase %d %q is the standard phrase", p.e.id, p.code, p.norm)
		}
	}
	for _, e := range c.entries {
		// Ids double as explain words so `explain nat-timeout` works.
		if other, dup := c.words[normalize(e.id)]; dup && other != e {
			bad("%s: id clashes with a word of %s", e.id, other.id)
		}
	}
	for class := 1; class <= 6; class++ {
		if c.byClass[class] == nil {
			bad("no fallback entry for class %dxx", class)
		}
	}
	for _, id := range requiredIDs {
		if c.byID[id] == nil {
			bad("required id %q missing", id)
		}
	}
	for _, list := range []struct {
		name string
		in   []causeData
		out  map[int]causeData
	}{{"q850", d.Q850, c.q850}, {"warning", d.Warnings, c.warnings}} {
		for _, q := range list.in {
			if _, dup := list.out[q.Code]; dup || q.Name == "" || q.EN == "" || q.RU == "" {
				bad("%s %d: duplicate or incomplete", list.name, q.Code)
			}
			if q.ID != "" && c.byID[q.ID] == nil {
				bad("%s %d: unknown id %q", list.name, q.Code, q.ID)
			}
			list.out[q.Code] = q
		}
	}
	for _, k := range append(slices.Clone(requiredNotes), expectationNotes()...) {
		n, ok := c.notes[k]
		if !ok || n.EN == "" || n.RU == "" {
			bad("note %q missing or incomplete", k)
		}
	}
	for k, n := range c.notes {
		for _, s := range []string{n.EN, n.RU} {
			if err := checkTemplate(s); err != nil {
				bad("note %q: %v", k, err)
			}
		}
	}
	checkTried(c, d.Tried, bad)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCatalog, errors.Join(errs...))
	}
	return newCatalog(c.index(d.Tried)), nil
}

// index lays the draft out as sorted slices.
func (c *draft) index(tried []triedData) *index {
	slices.SortFunc(c.entries, func(a, b *entry) int { return strings.Compare(a.id, b.id) })
	idx := &index{entries: make([]entry, len(c.entries))}
	for i, e := range c.entries {
		e.n = i
		idx.entries[i] = *e
	}
	for _, code := range slices.Sorted(maps.Keys(c.byCode)) {
		idx.codes = append(idx.codes, codeRef{code: code, name: c.stdName[code], entry: c.byCode[code].n})
	}
	for _, class := range slices.Sorted(maps.Keys(c.byClass)) {
		idx.classes = append(idx.classes, codeRef{code: class, entry: c.byClass[class].n})
	}
	for _, w := range slices.Sorted(maps.Keys(c.words)) {
		idx.words = append(idx.words, wordRef{norm: w, entry: c.words[w].n})
	}
	for _, p := range c.phrases {
		p.entry = p.e.n
		idx.phrases = append(idx.phrases, p.phrase)
	}
	for _, code := range slices.Sorted(maps.Keys(c.q850)) {
		idx.q850 = append(idx.q850, c.q850[code])
	}
	for _, code := range slices.Sorted(maps.Keys(c.warnings)) {
		idx.warnings = append(idx.warnings, c.warnings[code])
	}
	for _, k := range slices.Sorted(maps.Keys(c.notes)) {
		idx.notes = append(idx.notes, namedNote{key: k, noteData: c.notes[k]})
	}
	idx.tried = slices.Clone(tried)
	slices.SortStableFunc(idx.tried, func(a, b triedData) int { return strings.Compare(a.ID, b.ID) })
	return idx
}

// checkText insists on a summary, a cause and a remedy; kind overrides
// (full=false) may leave fields empty to inherit them.
func checkText(id, lang string, t text, full bool, bad func(string, ...any)) {
	if full && (t.Summary == "" || len(t.Causes) == 0 || len(t.Remedies) == 0) {
		bad("%s: %s text needs a summary, a cause and a remedy", id, lang)
	}
	if !full && t.Summary == "" {
		bad("%s: %s kind needs a summary", id, lang)
	}
	for _, s := range slices.Concat([]string{t.Summary}, t.Causes, t.Remedies) {
		if err := checkTemplate(s); err != nil {
			bad("%s: %s: %v", id, lang, err)
		}
		if strings.TrimSpace(s) != s {
			bad("%s: %s: stray whitespace in %q", id, lang, s)
		}
	}
	for _, s := range slices.Concat(t.Causes, t.Remedies) {
		if s == "" {
			bad("%s: %s: empty cause or remedy", id, lang)
		}
	}
}

// checkLazyText decodes a text and checks it as a full one.
func checkLazyText(id, lang string, l lazyText, bad func(string, ...any)) {
	t, err := l.decode()
	if errors.Is(err, errNoText) {
		bad("%s: %s text needs a summary, a cause and a remedy", id, lang)
		return
	}
	if err != nil {
		bad("%s: %s: %v", id, lang, err)
		return
	}
	checkText(id, lang, t, true, bad)
}

// splitPhrase splits "403 Wrong Guess" (or "* Codec Mismatch", code 0).
func splitPhrase(s string) (code int, reason string, ok bool) {
	head, reason, _ := strings.Cut(strings.TrimSpace(s), " ")
	reason = strings.TrimSpace(reason)
	if head == "*" {
		return 0, reason, reason != ""
	}
	code, err := strconv.Atoi(head)
	return code, reason, err == nil
}

// requiredIDs are the ids DESIGN.md §3 and the probe engine rely on.
var requiredIDs = []string{
	"ok", "wrong-password", "unknown-user", "codec-mismatch", "nat-timeout",
	"no-response", "port-unreachable", "tls-failure", "dns-failure",
	idInternal, "credentials-required", "auth-required-alive", "no-contacts",
	"binding-not-listed", "fail2ban-ban", "ack-not-received", "no-answer",
	"number-not-found", "busy", "nat-media-private-address", "invalid-status-code",
	"reinvite-ack-missing",
}

// idInternal is the entry used when nothing else applies.
const idInternal = "internal-error"

func (e *entry) idOrNone() string {
	if e == nil {
		return "none"
	}
	return e.id
}
