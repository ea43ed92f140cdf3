// Package catalog maps what a probe saw to a diagnosis with causes and
// remedies. The entries are data; the rules that pick one are small.
//
// NOTE: this is the seam only. Issue 3 replaces the stub table below with
// the embedded, validated catalogue of every status code and reason phrase.
package catalog

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Lang selects the language of the catalogue text.
type Lang string

const (
	EN Lang = "en"
	RU Lang = "ru"
)

// ParseLang accepts "en", "ru" or a locale such as "ru_RU.UTF-8"; empty
// means: look at LC_ALL, LC_MESSAGES and LANG, then English.
func ParseLang(s string) (Lang, error) {
	if s == "" {
		for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
			if v := os.Getenv(k); v != "" {
				s = v
				break
			}
		}
		if l, err := ParseLang(strings.ToLower(s)); err == nil && s != "" {
			return l, nil
		}
		return EN, nil
	}
	switch {
	case strings.HasPrefix(strings.ToLower(s), "ru"):
		return RU, nil
	case strings.HasPrefix(strings.ToLower(s), "en"), s == "C", s == "POSIX":
		return EN, nil
	}
	return EN, fmt.Errorf("%w: %q (want en or ru)", ErrUnknownLang, s)
}

// Catalog is the loaded, validated set of entries. It is immutable.
type Catalog struct {
	byID map[string]stubEntry
}

type stubEntry struct {
	sev      Severity
	summary  string
	causes   []string
	remedies []string
}

var defaultOnce = sync.OnceValue(func() *Catalog {
	return &Catalog{byID: stubEntries}
})

// Default returns the embedded catalogue, loaded once.
func Default() *Catalog { return defaultOnce() }

// Lookup returns the entry with that id.
func (c *Catalog) Lookup(id string, lang Lang) (Diagnosis, bool) {
	e, ok := c.byID[id]
	if !ok {
		return Diagnosis{}, false
	}
	return Diagnosis{ID: id, Severity: e.sev, Summary: e.summary, Causes: e.causes, Remedies: e.remedies}, true
}

// Has reports whether id names an entry (used to validate expectations).
func (c *Catalog) Has(id string) bool { _, ok := c.byID[id]; return ok }

// Diagnose picks the entry that explains ex.
func (c *Catalog) Diagnose(ex Exchange, lang Lang) Diagnosis {
	id := chooseStub(ex)
	d, _ := c.Lookup(id, lang)
	if ex.Detail != "" {
		d.Notes = append(d.Notes, ex.Detail)
	}
	return d
}

func chooseStub(ex Exchange) string {
	switch ex.Outcome {
	case OutcomeTimeout:
		if ex.Transport == "udp" {
			return "nat-timeout"
		}
		return "no-response"
	case OutcomePortUnreachable, OutcomeRefused:
		return "port-unreachable"
	case OutcomeConnectTimeout:
		return "no-response"
	case OutcomeTLS:
		return "tls-failure"
	case OutcomeDNS:
		return "dns-failure"
	case OutcomeResponse:
	default:
		return "internal-error"
	}
	code := ex.Final.Code
	switch {
	case code >= 200 && code < 300:
		return "ok"
	case (code == 401 || code == 407) && ex.AuthSent:
		return "wrong-password"
	case (code == 401 || code == 407) && ex.Method == "OPTIONS":
		return "ok"
	case code == 403 && ex.AuthSent:
		return "wrong-password"
	case code == 404 && ex.Method == "REGISTER":
		return "unknown-user"
	case code == 488 || code == 415 || code == 606:
		return "codec-mismatch"
	}
	return "server-error"
}

var stubEntries = map[string]stubEntry{
	"ok":               {SeverityOK, "The server answered as expected.", []string{"-"}, []string{"-"}},
	"wrong-password":   {SeverityCritical, "The server rejected the credentials.", []string{"wrong password"}, []string{"check the password"}},
	"unknown-user":     {SeverityCritical, "The user does not exist on the server.", []string{"no such account"}, []string{"check the user name"}},
	"codec-mismatch":   {SeverityCritical, "No common codec.", []string{"codec lists do not overlap"}, []string{"allow a common codec"}},
	"nat-timeout":      {SeverityCritical, "No answer over UDP.", []string{"NAT/firewall"}, []string{"try TCP"}},
	"no-response":      {SeverityCritical, "No answer.", []string{"server down"}, []string{"check the server"}},
	"port-unreachable": {SeverityCritical, "Nothing listens on that port.", []string{"server down or wrong port"}, []string{"check the port"}},
	"tls-failure":      {SeverityCritical, "The TLS handshake failed.", []string{"certificate"}, []string{"check the certificate"}},
	"dns-failure":      {SeverityCritical, "The name does not resolve.", []string{"DNS"}, []string{"use the IP"}},
	"server-error":     {SeverityCritical, "The server refused the request.", []string{"see the code"}, []string{"see the code"}},
	"internal-error":   {SeverityUnknown, "sipprobe could not run the probe.", []string{"internal"}, []string{"report a bug"}},
}
