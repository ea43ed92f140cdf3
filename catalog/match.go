package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sipprobe/sipprobe/internal/editdist"
)

// maxReason bounds the work the fuzzy matcher does on hostile input.
const maxReason = 200

// phrase is a reason phrase that selects an entry.
type phrase struct {
	code     int // 0: any 4xx-6xx code
	norm     string
	words    int
	entry    int  // index into the entries
	specific bool // a vendor phrase, not the code's standard one
}

func newPhrase(code int, reason string, specific bool) phrase {
	n := normalize(reason)
	return phrase{code: code, norm: n, words: len(strings.Fields(n)), specific: specific}
}

// homoglyphs are Cyrillic letters that look Latin. Reason phrases are
// English, but texts copied through Russian documents pick them up (the
// seeds spell "Service Unavailablе" with a Cyrillic "е").
var homoglyphs = strings.NewReplacer(
	"а", "a", "в", "b", "е", "e", "ё", "e", "к", "k", "м", "m", "н", "h",
	"о", "o", "р", "p", "с", "c", "т", "t", "у", "y", "х", "x",
)

// normalize lower-cases s, maps look-alike letters, turns punctuation into
// spaces and collapses runs of space: "AUTH Error: Stall nonce" and
// "auth error - stall nonce" compare equal.
func normalize(s string) string {
	if len(s) > 4*maxReason {
		s = s[:4*maxReason]
	}
	s = strings.ToLower(s)
	if !isASCII(s) { // every homoglyph is Cyrillic; the replacer is slow on any text
		s = homoglyphs.Replace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true
	n := 0
	for _, r := range s {
		if n >= maxReason {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			space = false
			n++
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
			n++
		}
	}
	return strings.TrimSpace(b.String())
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// allowedEdits is how many typos a phrase of n runes tolerates: none for
// short words (where one letter changes the meaning), more for long ones.
func allowedEdits(n int) int {
	switch {
	case n < 6:
		return 0
	case n < 12:
		return 1
	default:
		return 2
	}
}

// matchPhrase finds the phrase that reason means under code. It prefers an
// exact match, then a near spelling, then a phrase contained in a longer
// reason; phrases registered for this code beat the any-code ones.
func (c *Catalog) matchPhrase(code int, reason string) (phrase, bool) {
	n := normalize(reason)
	if n == "" {
		return phrase{}, false
	}
	anyOK := code >= 400 && code <= 699
	applies := func(p *phrase) bool { return p.code == code || (p.code == 0 && anyOK) }
	better := func(p, best *phrase) bool { return best == nil || (p.code != 0 && best.code == 0) }

	var best *phrase
	for i := range c.phrases {
		p := &c.phrases[i]
		if applies(p) && p.norm == n && better(p, best) {
			best = p
		}
	}
	if best != nil {
		return *best, true
	}
	bestDist := maxReason
	nr := []rune(n)
	for i := range c.phrases {
		p := &c.phrases[i]
		if !applies(p) {
			continue
		}
		pr := []rune(p.norm)
		limit := allowedEdits(len(pr))
		if limit == 0 || abs(len(pr)-len(nr)) > limit {
			continue
		}
		if d := editdist.Distance(pr, nr, limit); d <= limit && (d < bestDist || (d == bestDist && better(p, best))) {
			best, bestDist = p, d
		}
	}
	if best != nil {
		return *best, true
	}
	padded := " " + n + " "
	for i := range c.phrases {
		p := &c.phrases[i]
		// A single short word ("You", "Gone") inside a longer reason is
		// too weak a signal; whole multi-word phrases are not.
		if !applies(p) || (p.words < 2 && len(p.norm) < 8) {
			continue
		}
		if strings.Contains(padded, " "+p.norm+" ") && (best == nil || len(p.norm) > len(best.norm) ||
			(len(p.norm) == len(best.norm) && better(p, best))) {
			best = p
		}
	}
	if best == nil {
		return phrase{}, false
	}
	return *best, true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
