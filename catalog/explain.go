package catalog

import (
	"strconv"
	"strings"
)

// Explain describes a status code and reason phrase without the context of
// an exchange: the phrase's own entry if it has one, else the code's, else
// the class fallback. Codes outside 100-699 are invalid-status-code.
func (c *Catalog) Explain(code int, reason string, lang Lang) Diagnosis {
	v := vars{}
	v.setCode(c, code, reason)
	ch := choice{id: "invalid-status-code"}
	if code >= 100 && code <= 699 {
		ch = choice{id: idInternal}
		if p, ok := c.matchPhrase(code, reason); ok && p.specific {
			ch = choice{id: c.at(p.entry).id, byPhrase: true}
		} else if e := c.codeEntry(code); e != nil {
			ch.id = e.id
		} else if e := c.classEntry(code / 100); e != nil {
			ch.id = e.id
		}
	}
	e := c.entryByID(ch.id)
	if e == nil {
		e = c.entryByID(idInternal)
	}
	d := c.render(e, "", lang, v)
	if r := strings.TrimSpace(reason); r != "" && !ch.byPhrase && normalize(r) != normalize(c.StandardReason(code)) {
		d.Notes = append(d.Notes, c.note("reason-phrase", lang, v))
	}
	return d
}

// ExplainText explains what `catalog explain` was given: a status code
// with an optional reason phrase ("403 Wrong Guess"), an entry id, an
// outcome word with an optional kind ("timeout", "tls expired", "dns
// nxdomain") or a bare vendor phrase ("Wrong Guess").
func (c *Catalog) ExplainText(s string, lang Lang) (Diagnosis, bool) {
	s = strings.TrimSpace(s)
	// Accept lines pasted from logs and articles: "SIP/2.0 403 Wrong Guess".
	for _, prefix := range []string{"sip/2.0 ", "sip "} {
		if len(s) > len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s = strings.TrimSpace(s[len(prefix):])
		}
	}
	head, rest, _ := strings.Cut(s, " ")
	if code, err := strconv.Atoi(strings.TrimSuffix(head, ":")); err == nil {
		return c.Explain(code, strings.Trim(rest, " -–—:()"), lang), true
	}
	n := normalize(s)
	if n == "" {
		return Diagnosis{}, false
	}
	if e := c.entryByID(strings.ReplaceAll(n, " ", "-")); e != nil {
		return c.render(e, "", lang, vars{}), true
	}
	if e := c.wordEntry(n); e != nil {
		return c.render(e, "", lang, vars{}), true
	}
	// "tls expired": an outcome word and a failure kind.
	words := strings.Fields(n)
	for i := len(words) - 1; i > 0; i-- {
		first := strings.Join(words[:i], " ")
		e := c.wordEntry(first)
		if e == nil {
			e = c.entryByID(strings.ReplaceAll(first, " ", "-"))
		}
		kind := strings.Join(words[i:], "-")
		if _, ok := e.kindOK(kind); ok {
			return c.render(e, kind, lang, vars{}), true
		}
	}
	// A vendor phrase without its code: try the any-code phrases, then
	// every code's phrases.
	if p, ok := c.matchPhrase(400, s); ok && p.specific && p.code == 0 {
		return c.render(c.at(p.entry), "", lang, vars{}), true
	}
	for _, p := range c.phrases {
		if p.specific && p.norm == n {
			return c.render(c.at(p.entry), "", lang, vars{}), true
		}
	}
	return Diagnosis{}, false
}

// kindOK reports whether e (possibly nil) has the failure kind k.
func (e *entry) kindOK(k string) (kindData, bool) {
	if e == nil {
		return kindData{}, false
	}
	return e.kind(k)
}
