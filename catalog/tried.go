package catalog

import (
	"net/netip"
	"slices"
	"strings"
)

// A remedy that suggests what sipprobe already did reads as if nobody
// looked: "Try TCP instead" after the TCP fallback was refused. The data
// (data/15-tried.json) tags such remedies with what they suggest; Diagnose
// drops them, or puts the rest of their advice in their place, when the
// exchange shows it was tried.

// What a remedy may suggest (triedData.Suggests).
const (
	suggestsTCP            = "tcp"             // probe over TCP
	suggestsUDP            = "udp"             // probe over UDP
	suggestsOtherTransport = "other-transport" // probe over the other transport
	suggestsIP             = "ip"              // use the server's IP address instead of its name
)

// suggestionWords: the English remedy a tag points at must name what it
// suggests, so a tag that slips onto another remedy fails the data tests.
func suggestionWords() map[string]string {
	return map[string]string{
		suggestsTCP:            "TCP",
		suggestsUDP:            "UDP",
		suggestsOtherTransport: "transport",
		suggestsIP:             "IP address",
	}
}

// triedData tags one remedy of an entry (or of one of its kinds) with what
// it suggests. EN and RU, when set, replace it once that was tried; else
// it is dropped.
type triedData struct {
	ID       string `json:"id"`
	Kind     string `json:"kind,omitempty"`
	Remedy   int    `json:"remedy"` // index into the entry's or kind's remedies
	Suggests string `json:"suggests"`
	EN       string `json:"en,omitempty"`
	RU       string `json:"ru,omitempty"`
}

// checkTried validates the tags against the entries.
func checkTried(c *draft, tags []triedData, bad func(string, ...any)) {
	words := suggestionWords()
	for _, t := range tags {
		e := c.byID[t.ID]
		if e == nil {
			bad("tried %s: unknown id", t.ID)
			continue
		}
		ten, _ := e.en.decode()
		tru, _ := e.ru.decode()
		en, ru := ten.Remedies, tru.Remedies
		if t.Kind != "" {
			k, ok := e.kind(t.Kind)
			if !ok {
				bad("tried %s/%s: unknown kind", t.ID, t.Kind)
				continue
			}
			en, ru = k.EN.Remedies, k.RU.Remedies
		}
		word, ok := words[t.Suggests]
		switch {
		case !ok:
			bad("tried %s: suggests %q is not one of tcp, udp, other-transport, ip", t.ID, t.Suggests)
		case t.Remedy < 0 || t.Remedy >= len(en) || t.Remedy >= len(ru):
			bad("tried %s: no remedy %d", t.ID, t.Remedy)
		case !strings.Contains(en[t.Remedy], word):
			bad("tried %s: remedy %d %q does not mention %s", t.ID, t.Remedy, en[t.Remedy], word)
		case (t.EN == "") != (t.RU == ""):
			bad("tried %s: a replacement needs both en and ru", t.ID)
		}
		for _, s := range []string{t.EN, t.RU} {
			if err := checkTemplate(s); err != nil {
				bad("tried %s: %v", t.ID, err)
			}
		}
	}
}

// triedIn lists what the exchange shows sipprobe did.
func triedIn(ex Exchange) map[string]bool {
	tried := map[string]bool{}
	if ex.Alt != nil {
		tried[suggestsOtherTransport] = true
	}
	for _, tr := range []string{ex.Transport, altTransport(ex)} {
		switch strings.ToLower(tr) {
		case "tcp":
			tried[suggestsTCP] = true
		case "udp":
			tried[suggestsUDP] = true
		}
	}
	if targetIsIP(ex.Target) {
		tried[suggestsIP] = true
	}
	return tried
}

func altTransport(ex Exchange) string {
	if ex.Alt == nil {
		return ""
	}
	return ex.Alt.Transport
}

// targetIsIP reports whether a TARGET or URI (sip:user@[v6]:port;params)
// names its server by IP address.
func targetIsIP(target string) bool {
	s := strings.TrimSpace(target)
	if scheme, rest, ok := strings.Cut(s, ":"); ok && (strings.EqualFold(scheme, "sip") || strings.EqualFold(scheme, "sips")) {
		s = rest
	}
	s, _, _ = strings.Cut(s, ";")
	s, _, _ = strings.Cut(s, "?")
	if at := strings.LastIndex(s, "@"); at >= 0 {
		s = s[at+1:]
	}
	switch {
	case strings.HasPrefix(s, "["):
		s, _, _ = strings.Cut(s[1:], "]")
	case strings.Count(s, ":") == 1:
		s, _, _ = strings.Cut(s, ":")
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// withoutTried drops or rewrites the rendered remedies of ch that suggest
// what ex shows was tried. Kind remedies come first in the rendering.
func (c *Catalog) withoutTried(ex Exchange, ch choice, lang Lang, v vars, remedies []string) []string {
	e, tags := c.entryByID(ch.id), c.triedOf(ch.id)
	if e == nil || len(tags) == 0 {
		return remedies
	}
	offset := 0
	if k, ok := e.kind(ch.kind); ok {
		offset = len(pick(lang, k.EN, k.RU).Remedies)
	}
	tried := triedIn(ex)
	out := slices.Clone(remedies)
	drop := make([]bool, len(out))
	for _, t := range tags {
		if !tried[t.Suggests] || (t.Kind != "" && t.Kind != ch.kind) {
			continue
		}
		i := t.Remedy
		if t.Kind == "" {
			i += offset
		}
		if i >= len(out) {
			continue
		}
		if r := pick(lang, t.EN, t.RU); r != "" {
			out[i] = fill(r, v)
		} else {
			drop[i] = true
		}
	}
	kept := out[:0]
	for i, r := range out {
		if !drop[i] {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		return remedies // never leave a diagnosis without advice
	}
	return kept
}
