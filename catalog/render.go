package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// vars are the values placeholders in the text may use. Text writes
// {name}; an optional part in brackets, "[ for {user}]", is dropped when a
// placeholder inside it is empty, so text reads well with or without it.
type vars map[string]string

// knownVars are the placeholder names the data may use.
var knownVars = map[string]bool{
	"user": true, "target": true, "transport": true, "method": true,
	"code": true, "reason": true, "seconds": true, "text": true,
	"cause": true, "name": true, "alt": true, "n": true, "server": true,
	"window": true, "last": true, "answered": true,
	// The probe's own notes (data/46-probe-notes.json).
	"addr": true, "from": true, "proto": true, "what": true, "errno": true,
	"host": true, "dur": true, "codec": true, "codecs": true, "rejected": true,
	"held": true, "hold": true, "req": true, "seq": true,
	// --rtp audio quality (issue 12).
	"mos": true, "loss": true, "jitter": true,
	"digits": true, // DTMF digits that did not come back (dtmf-not-echoed)
}

var errTemplate = errors.New("bad template")

// varsOf collects the placeholder values an exchange provides.
func (c *Catalog) varsOf(ex Exchange) vars {
	v := vars{
		"user":      ex.User,
		"target":    ex.Target,
		"transport": strings.ToUpper(ex.Transport),
		"method":    ex.Method,
	}
	if ex.Final != nil {
		v.setCode(c, ex.Final.Code, ex.Final.Reason)
	}
	if ex.PoorAudio {
		v["mos"], v["loss"], v["jitter"] = ex.AudioMOS, ex.AudioLoss, ex.AudioJitter
	}
	if ex.DTMFMissing != "" {
		v["digits"] = clip(ex.DTMFMissing, 40)
	}
	return v
}

// setCode sets {code} and {reason}, falling back to the standard phrase.
func (v vars) setCode(c *Catalog, code int, reason string) {
	v["code"] = strconv.Itoa(code)
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = c.StandardReason(code)
	}
	v["reason"] = clip(reason, 80)
}

// clip shortens untrusted text that is echoed back to the user.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// fill expands a template checked by checkTemplate; on text it cannot
// parse it returns the text unchanged rather than failing.
func fill(tmpl string, v vars) string {
	var out strings.Builder
	for tmpl != "" {
		i := strings.IndexByte(tmpl, '[')
		if i < 0 {
			out.WriteString(expand(tmpl, v))
			break
		}
		j := strings.IndexByte(tmpl[i:], ']')
		if j < 0 {
			out.WriteString(expand(tmpl, v))
			break
		}
		out.WriteString(expand(tmpl[:i], v))
		if opt := tmpl[i+1 : i+j]; allSet(opt, v) {
			out.WriteString(expand(opt, v))
		}
		tmpl = tmpl[i+j+1:]
	}
	return out.String()
}

func expand(s string, v vars) string {
	var out strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s, '}')
		if i < 0 || j < i {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		out.WriteString(v[s[i+1:j]])
		s = s[j+1:]
	}
}

// allSet reports whether every placeholder in s has a value.
func allSet(s string, v vars) bool {
	for _, name := range placeholders(s) {
		if v[name] == "" {
			return false
		}
	}
	return true
}

func placeholders(s string) []string {
	var names []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// checkTemplate rejects unbalanced or nested brackets and unknown names.
// Placeholders that may be empty (user, target, ...) must sit inside an
// optional part, so the text never shows a hole.
func checkTemplate(s string) error {
	depth := 0
	for _, r := range s {
		switch r {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
		if depth < 0 || depth > 2 {
			return fmt.Errorf("%w: unbalanced brackets in %q", errTemplate, s)
		}
	}
	if depth != 0 {
		return fmt.Errorf("%w: unbalanced brackets in %q", errTemplate, s)
	}
	outside := s
	for {
		i := strings.IndexByte(outside, '[')
		j := strings.IndexByte(outside, ']')
		if i < 0 || j < i {
			break
		}
		outside = outside[:i] + outside[j+1:]
	}
	for _, name := range placeholders(s) {
		if !knownVars[name] {
			return fmt.Errorf("%w: unknown placeholder {%s} in %q", errTemplate, name, s)
		}
	}
	for _, name := range placeholders(outside) {
		if name == "user" || name == "target" || name == "transport" || name == "method" {
			return fmt.Errorf("%w: {%s} may be empty; put it inside [...] in %q", errTemplate, name, s)
		}
	}
	return nil
}

// render resolves an entry (and failure kind) in one language.
func (c *Catalog) render(e *entry, kind string, lang Lang, v vars) Diagnosis {
	t := c.text(e, lang)
	if k, ok := e.kind(kind); ok {
		kt := pick(lang, k.EN, k.RU)
		if kt.Summary != "" {
			t.Summary = kt.Summary
		}
		switch {
		case k.Only:
			t.Causes, t.Remedies = kt.Causes, kt.Remedies
		default:
			if len(kt.Causes) > 0 {
				t.Causes = slices.Concat(kt.Causes, t.Causes)
			}
			if len(kt.Remedies) > 0 {
				t.Remedies = slices.Concat(kt.Remedies, t.Remedies)
			}
		}
	}
	d := Diagnosis{ID: e.id, Severity: e.sev, Summary: fill(t.Summary, v)}
	for _, s := range t.Causes {
		d.Causes = append(d.Causes, fill(s, v))
	}
	for _, s := range t.Remedies {
		d.Remedies = append(d.Remedies, fill(s, v))
	}
	return d
}

// note renders a note template, or "" if the catalogue lacks it.
func (c *Catalog) note(key string, lang Lang, v vars) string {
	n, ok := c.noteOf(key)
	if !ok {
		return ""
	}
	return fill(pick(lang, n.EN, n.RU), v)
}
