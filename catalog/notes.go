package catalog

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// notesFor lists the facts of this exchange that back the diagnosis, in
// the order an admin reads them: what the transport said, what the server
// said, what else the probe found.
func (c *Catalog) notesFor(ex Exchange, ch choice, lang Lang, v vars) []string {
	var notes []string
	add := func(key string, extra vars) {
		nv := vars{}
		for k, val := range v {
			nv[k] = val
		}
		for k, val := range extra {
			nv[k] = val
		}
		if s := c.note(key, lang, nv); s != "" {
			notes = append(notes, s)
		}
	}
	if d := c.DetailText(ex, lang); d != "" {
		notes = append(notes, clip(d, 300))
	}
	if f := ex.Final; f != nil && (ex.Outcome == OutcomeResponse || ex.Outcome == "") {
		if r := strings.TrimSpace(f.Reason); r != "" && !ch.byPhrase &&
			normalize(r) != normalize(c.StandardReason(f.Code)) {
			add("reason-phrase", nil)
		}
		if s := strings.TrimSpace(f.RetryAfter); s != "" {
			add("retry-after", vars{"seconds": leadingInt(s, clip(s, 40))})
		}
		if s := strings.TrimSpace(f.MinExpires); s != "" {
			add("min-expires", vars{"seconds": leadingInt(s, clip(s, 40))})
		}
		if s := strings.TrimSpace(f.Warning); s != "" {
			code, txt := parseWarning(s)
			if w, ok := c.warningOf(code); ok {
				add("warning-code", vars{"cause": strconv.Itoa(code), "name": w.Name,
					"text": pick(lang, w.EN, w.RU), "server": clip(txt, 120)})
			} else {
				add("warning", vars{"text": clip(s, 160)})
			}
		}
		if n := q850Cause(f.ReasonHdr); n > 0 {
			if q, ok := c.q850Of(n); ok {
				add("q850", vars{"cause": strconv.Itoa(n), "name": q.Name, "text": pick(lang, q.EN, q.RU)})
			} else {
				add("q850-unknown", vars{"cause": strconv.Itoa(n)})
			}
		}
		if s := strings.TrimSpace(f.Server); s != "" {
			if ch.id == "wrong-password" && looksLikeAsterisk(s) {
				add("asterisk-auth", vars{"server": clip(s, 80)})
			} else {
				add("server", vars{"server": clip(s, 80)})
			}
		}
	}
	if ex.Final == nil && len(ex.Provisional) > 0 {
		last := ex.Provisional[len(ex.Provisional)-1]
		pv := vars{}
		pv.setCode(c, last.Code, last.Reason)
		add("provisional", pv)
	}
	// The plain-sip summary already tells what the TCP check got.
	if a := ex.Alt; a != nil && ch.kind != TLSPlainSIP {
		av := vars{"alt": strings.ToUpper(a.Transport)}
		switch {
		case a.Answered && a.Code > 0:
			av.setCode(c, a.Code, "")
			add("alt-answered", av)
		case a.Answered:
			add("alt-answered-nocode", av)
		case a.Silent:
			add("alt-silent", av)
		case a.Unreachable:
			add("alt-unreachable", av)
		default:
			add("alt-refused", av)
		}
	}
	if ex.BindWouldEvict {
		add("bind-contacts", vars{"n": strconv.Itoa(ex.Registered)})
	}
	if ex.ContactEvicted {
		add("evicted", vars{"n": strconv.Itoa(ex.Evicted)})
		if ex.Restored > 0 {
			add("evicted-restored", vars{"n": strconv.Itoa(ex.Restored)})
		}
		if lost := ex.Evicted - ex.Restored; lost > 0 {
			add("evicted-lost", vars{"n": strconv.Itoa(lost)})
		}
	}
	if key, bv := banNote(ex, ch, lang); key != "" {
		add(key, bv)
	}
	if certExpiring(ex) && ch.id != idCertExpiring {
		key := "cert-expiring"
		if ex.Cert.DaysLeft < 0 {
			key = "cert-expired"
		}
		add(key, certVars(ex.Cert))
	}
	// Several findings can hold at once; the rules chose the worst, the
	// others are worth a line each.
	for _, f := range successFindings(ex) {
		if e := c.entryByID(f.id); f.on && f.id != ch.id && e != nil && ex.Final != nil {
			add("also", vars{"text": c.render(e, "", lang, v).Summary})
		}
	}
	return notes
}

var q850Pattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)q\.?850\s*;[^,]*?\bcause\s*=\s*"?(\d{1,3})`)
})

// q850Cause extracts N from a Reason header "Q.850;cause=N;text=..."
// (RFC 3326); 0 when there is none.
func q850Cause(hdr string) int {
	if len(hdr) > 1000 {
		hdr = hdr[:1000]
	}
	if !strings.Contains(hdr, "850") {
		return 0 // most answers carry no Reason: no need to build the regexp
	}
	m := q850Pattern().FindStringSubmatch(hdr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// parseWarning splits a Warning header value "399 host \"text\"" (RFC
// 3261 §20.43) into its code and text.
func parseWarning(s string) (int, string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, ""
	}
	code, err := strconv.Atoi(f[0])
	if err != nil {
		return 0, s
	}
	txt := s
	if i := strings.IndexByte(s, '"'); i >= 0 {
		txt = strings.Trim(s[i:], `" `)
	}
	return code, txt
}

// leadingInt returns the number a header starts with ("120;duration=60"),
// or def when it does not start with one.
func leadingInt(s, def string) string {
	end := 0
	for end < len(s) && end < 10 && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return def
	}
	return s[:end]
}

// looksLikeAsterisk recognises Asterisk and its distributions by the
// Server or User-Agent header.
func looksLikeAsterisk(s string) bool {
	s = strings.ToLower(s)
	for _, k := range []string{"asterisk", "freepbx", "fpbx", "issabel", "elastix", "vitalpbx"} {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

// requiredNotes are the note templates notesFor uses.
var requiredNotes = []string{
	"reason-phrase", "retry-after", "min-expires", "warning-code", "warning",
	"q850", "q850-unknown", "server", "asterisk-auth", "provisional",
	"alt-answered", "alt-answered-nocode", "alt-silent", "alt-unreachable", "also",
	"bind-contacts", "evicted", "evicted-restored", "evicted-lost",
	"ban-evidence", "ban-answered-since", "ban-answered-here", "ban-local", "ban-few", "ban-outside-window",
	"cert-expiring", "cert-expired",
}
