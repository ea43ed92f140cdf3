package catalog

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSeedLines checks every code and "CODE Reason" line of the seed
// articles (copied by hand into testdata/seed_lines.txt) and the outcome
// words they use: each resolves, and specific phrases to their own entry.
func TestSeedLines(t *testing.T) {
	f, err := os.Open("testdata/seed_lines.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := Default()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		input, want, ok := strings.Cut(line, " => ")
		if !ok {
			t.Fatalf("bad fixture line %q", line)
		}
		n++
		t.Run(input, func(t *testing.T) {
			for _, lang := range []Lang{EN, RU} {
				d, ok := c.ExplainText(input, lang)
				if !ok {
					t.Fatalf("%s: no entry", lang)
				}
				if d.ID != want {
					t.Errorf("%s: got %s, want %s", lang, d.ID, want)
				}
				if d.Summary == "" || len(d.Causes) == 0 || len(d.Remedies) == 0 {
					t.Errorf("%s: incomplete %+v", lang, d)
				}
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 150 {
		t.Fatalf("fixture has only %d lines", n)
	}
}

// ianaCodes is the IANA response-code registry (as of 2023) plus the
// obsolete RFC 2543 codes the seeds list (409, 411).
var ianaCodes = []int{
	100, 180, 181, 182, 183, 199,
	200, 202, 204,
	300, 301, 302, 305, 380,
	400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
	420, 421, 422, 423, 424, 425, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470,
	480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 491, 493, 494,
	500, 501, 502, 503, 504, 505, 513, 555, 580,
	600, 603, 604, 606, 607, 608,
}

func TestEveryRegisteredCodeHasItsOwnEntry(t *testing.T) {
	c := Default()
	for _, code := range ianaCodes {
		if c.codeEntry(code) == nil {
			t.Errorf("%d: no entry", code)
		}
		if c.StandardReason(code) == "" {
			t.Errorf("%d: no standard reason phrase", code)
		}
	}
}

// TestPhrasesResolveToTheirEntry is derived from the data: every standard
// and vendor phrase picks its own entry, with exact and sloppy spelling.
func TestPhrasesResolveToTheirEntry(t *testing.T) {
	c := Default()
	for _, p := range c.phrases {
		code := p.code
		if code == 0 {
			code = 480
		}
		for _, reason := range []string{p.norm, strings.ToUpper(p.norm), " " + strings.ReplaceAll(p.norm, " ", "  ") + "."} {
			if d := c.Explain(code, reason, EN); d.ID != c.at(p.entry).id {
				t.Errorf("%d %q: got %s, want %s", code, reason, d.ID, c.at(p.entry).id)
			}
		}
	}
}

func TestSpellingVariants(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		code         int
		reason, want string
	}{
		{403, "Wrong Gues", "wrong-password"},
		{403, "wrong-guess!", "wrong-password"},
		{401, "AUTH Error: Stale nonce", "stale-nonce"},
		{401, "auth error stall nonce", "stale-nonce"},
		{480, "Codec mis-match", "codec-mismatch"},
		{500, "DB timeout (cluster 3)", "database-error"},
		{403, "Forbidden - Wrong Guess", "wrong-password"},
		{403, "Yo", "forbidden"},
		{403, "Thank you", "forbidden"},
		{503, "Service Unavailablе", "service-unavailable"}, // Cyrillic е
	} {
		t.Run(tc.reason, func(t *testing.T) {
			if d := c.Explain(tc.code, tc.reason, EN); d.ID != tc.want {
				t.Errorf("%d %q: got %s, want %s", tc.code, tc.reason, d.ID, tc.want)
			}
		})
	}
}

var (
	cyrillic    = regexp.MustCompile(`\p{Cyrillic}`)
	placeholder = regexp.MustCompile(`[{}\[\]]`)
)

// TestEntriesComplete: every entry has a summary, a cause and a remedy in
// both languages, the Russian text is Russian, and rendering leaves no
// template syntax behind.
func TestEntriesComplete(t *testing.T) {
	c := Default()
	seen := map[string]bool{}
	for _, e := range c.Entries() {
		if seen[e.ID] || !idPattern().MatchString(e.ID) {
			t.Errorf("%s: duplicate or malformed id", e.ID)
		}
		seen[e.ID] = true
		kinds := append([]string{""}, e.Kinds...)
		for _, kind := range kinds {
			for _, lang := range []Lang{EN, RU} {
				d := c.render(c.entryByID(e.ID), kind, lang, vars{"user": "120", "target": "pbx", "transport": "UDP", "method": "INVITE", "code": "480", "reason": "X"})
				all := append([]string{d.Summary}, append(d.Causes, d.Remedies...)...)
				if d.Summary == "" || len(d.Causes) == 0 || len(d.Remedies) == 0 {
					t.Errorf("%s/%s %s: incomplete", e.ID, kind, lang)
				}
				for _, s := range all {
					if placeholder.MatchString(s) {
						t.Errorf("%s/%s %s: template syntax left in %q", e.ID, kind, lang, s)
					}
					if lang == RU && !cyrillic.MatchString(s) {
						t.Errorf("%s/%s: Russian text without Russian: %q", e.ID, kind, s)
					}
					if lang == EN && cyrillic.MatchString(s) {
						t.Errorf("%s/%s: English text with Cyrillic: %q", e.ID, kind, s)
					}
				}
			}
		}
	}
}

// designIDs are the ids DESIGN.md §3 promises, plus those the probe
// engine and scenario files rely on.
var designIDs = []string{
	"ok", "wrong-password", "unknown-user", "codec-mismatch", "nat-timeout",
	"no-response", "port-unreachable", "tls-failure", "dns-failure",
	"user-disabled", "busy", "server-error", "interval-too-brief", "ack-not-received",
	"credentials-required", "auth-required-alive", "no-contacts", "binding-not-listed",
	"fail2ban-ban", "no-answer", "number-not-found", "nat-media-private-address",
	"internal-error", "canceled", "transport-mismatch",
}

func TestDesignIDsExist(t *testing.T) {
	c := Default()
	for _, id := range designIDs {
		if !c.Has(id) {
			t.Errorf("%s missing", id)
		}
		if _, err := c.LookupErr(id, RU); err != nil {
			t.Error(err)
		}
	}
	if c.Has("no-such-thing") {
		t.Error("Has accepts anything")
	}
}

func TestLookupReturnsCopies(t *testing.T) {
	c := Default()
	d, _ := c.Lookup("busy", EN)
	d.Causes[0] = "changed"
	if d2, _ := c.Lookup("busy", EN); d2.Causes[0] == "changed" {
		t.Fatal("Lookup exposes the catalogue's slices")
	}
}

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Lang
		err  bool
	}{{"en", EN, false}, {"ru", RU, false}, {"ru_RU.UTF-8", RU, false}, {"C", EN, false}, {"de", EN, true}} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseLang(tc.in)
			if got != tc.want || (err != nil) != tc.err {
				t.Errorf("ParseLang(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "ru_RU.UTF-8")
	if l, _ := ParseLang(""); l != RU {
		t.Errorf("LANG=ru_RU: got %v", l)
	}
}
