package scenarios

import (
	"fmt"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/editdist"
	"github.com/sipprobe/sipprobe/probe"
)

// Serve is the [serve] table: how `sipprobe serve` runs the file. Zero
// values mean "not given"; the agent applies its defaults.
type Serve struct {
	Listen    string
	Retention time.Duration
	History   string // path of the history database, relative paths resolved against the file
	Lang      catalog.Lang
	LangSet   bool
	LogFormat string // "text" or "json"
}

// ForServe loads the file as the configuration of `sipprobe serve`: a
// scheduled probe needs a positive interval (run spaces repeats by it and
// accepts 0).
func ForServe() LoadOption { return func(l *loader) { l.serve = true } }

// serveKeyNames lists the keys of [serve].
func serveKeyNames() []string {
	return []string{"listen", "retention", "history", "lang", "log_format"}
}

// serveTable checks the [serve] table. Every key holds a string; each is
// checked at its own line.
func (v *validator) serveTable(m map[string]any, s *section) Serve {
	var out Serve
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(serveKeyNames(), k) {
			v.add(s, "serve", k, "unknown key%s", suggestAmong(k, serveKeyNames()))
			continue
		}
		val, ok := m[k].(string)
		if !ok {
			v.add(s, "serve", k, "want a string, got %s", describeValue(m[k], false))
			continue
		}
		switch k {
		case "listen":
			if _, _, err := net.SplitHostPort(val); err != nil {
				v.add(s, "serve", k, "%q: want HOST:PORT, like \"127.0.0.1:9117\"", val)
			}
			out.Listen = val
		case "retention":
			d, err := ParseRetention(val)
			if err != nil {
				v.add(s, "serve", k, "%q: want a positive duration like \"30d\" or \"720h\"", val)
			}
			out.Retention = d
		case "history":
			if strings.TrimSpace(val) == "" {
				v.add(s, "serve", k, "must not be empty")
			}
			out.History = v.path(val)
		case "lang":
			l, err := catalog.ParseLang(val)
			if err != nil {
				v.add(s, "serve", k, "%q: want en or ru", val)
			}
			out.Lang, out.LangSet = l, err == nil
		case "log_format":
			if val != "text" && val != "json" {
				v.add(s, "serve", k, "%q: want text or json", val)
			}
			out.LogFormat = val
		}
	}
	return out
}

// ParseRetention reads a retention period: a Go duration ("720h") or a
// number of days or weeks ("30d", "2w").
func ParseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	}
	var d time.Duration
	if unit > 0 {
		n, err := strconv.ParseFloat(s[:len(s)-1], 64)
		if err != nil || n <= 0 || n > 1e5 {
			return 0, fmt.Errorf("retention %q: want a positive duration", s)
		}
		d = time.Duration(n * float64(unit))
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("retention %q: %w", s, err)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("retention %q: want a positive duration", s)
	}
	return d, nil
}

// serveKeys validates a probe's serve keys: interval as a schedule,
// targets and any_target for /probe.
//
// any_target on an entry with credentials is refused: anyone who reaches
// the agent could point /probe at a server of their own and collect
// digest responses to crack offline.
func (v *validator) serveKeys(ps probeSpec, s *section, where string, b base, p *Probe) {
	p.Scheduled = s.has("interval")
	if d, err := time.ParseDuration(ps.Interval); v.serve && p.Scheduled && err == nil && d == 0 {
		v.add(s, where, "interval", "%q: want a positive duration like \"30s\": serve runs this probe every interval", ps.Interval)
	}
	credentialed := (p.Kind == probe.KindRegister || p.Kind == probe.KindInvite || p.Kind == probe.KindReceive) && (hasPassword(s) || hasPassword(b.sec))
	if ps.AnyTarget != nil && *ps.AnyTarget {
		if credentialed {
			v.add(s, where, "any_target", "not allowed on a probe with credentials: /probe would send them to any server anyone names; list the servers in targets instead")
		}
		p.AnyTarget = true
	}
	if s.has("targets") && len(ps.Targets) == 0 && !s.bad["targets"] {
		v.add(s, where, "targets", "empty: list HOST or HOST:PORT patterns, or leave targets out")
	}
	for _, t := range ps.Targets {
		pat, err := ParseTargetPattern(t)
		if err != nil {
			v.add(s, where, "targets", "%v", err)
			continue
		}
		p.Targets = append(p.Targets, pat)
	}
}

// ParseTargetPattern checks one targets entry: a host or host:port,
// exact or with glob characters (* ? [..]), no URI scheme, user or
// parameters. It returns the pattern lower-cased.
func ParseTargetPattern(t string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(t))
	switch {
	case p == "":
		return "", fmt.Errorf("empty pattern")
	case strings.HasPrefix(p, "sip:") || strings.HasPrefix(p, "sips:") || strings.ContainsAny(p, "@;?/ "):
		return "", fmt.Errorf("%q: want HOST or HOST:PORT (a pattern like \"10.1.2.*\"), not a URI", t)
	}
	if _, err := path.Match(p, ""); err != nil {
		return "", fmt.Errorf("%q: bad pattern: %v", t, err)
	}
	return p, nil
}

// suggestAmong offers the name closest to key, if one is close.
func suggestAmong(key string, names []string) string {
	best, bestD := "", 3
	for _, name := range names {
		if d := editdist.Distance([]rune(key), []rune(name), bestD-1); d < bestD {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
