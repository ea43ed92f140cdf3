package scenarios

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// validator checks the meaning of decoded sections and builds Probes.
type validator struct {
	*loader
	file     string
	names    map[string]int // probe name → line of first use
	problems []Problem
}

// add records a problem, unless key already had a wrong type: one
// complaint per mistake.
func (v *validator) add(s *section, where, key, format string, args ...any) {
	if s.bad[key] {
		return
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: s.lineOf(key), Where: where, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// base is the probe configuration [defaults] gives every probe.
type base struct {
	spec connSpec
	sec  *section
}

func (v *validator) conn(c connSpec, s *section, where string) base {
	v.checkConn(c, s, where)
	return base{spec: c, sec: s}
}

// checkConn validates the settings shared by [defaults] and [[probe]].
func (v *validator) checkConn(c connSpec, s *section, where string) {
	if c.Transport != nil {
		if !validTransport(*c.Transport) {
			v.add(s, where, "transport", "%q: want udp, tcp or tls", *c.Transport)
		}
	}
	if c.Timeout != nil {
		if d, err := time.ParseDuration(*c.Timeout); err != nil || d <= 0 {
			v.add(s, where, "timeout", "%q: want a positive duration like \"5s\"", *c.Timeout)
		}
	}
	if c.Lang != nil {
		if _, err := catalog.ParseLang(*c.Lang); err != nil {
			v.add(s, where, "lang", "%q: want en or ru", *c.Lang)
		}
	}
	if c.Server != nil && strings.TrimSpace(*c.Server) == "" {
		v.add(s, where, "server", "must not be empty")
	}
	if c.DNSServer != nil {
		// Here, not only in the engine's Validate, to point at the key's line.
		if _, err := probe.ParseDNSServer(*c.DNSServer); err != nil {
			v.add(s, where, "dns_server", "%s", strings.TrimPrefix(err.Error(), probe.ErrDNSServer.Error()+" "))
		}
	}
}

// validTransport: enum values are case-insensitive everywhere ("TCP").
func validTransport(t string) bool {
	t = strings.ToLower(t)
	return t == "udp" || t == "tcp" || t == "tls"
}

// probe validates one entry and merges it over the defaults.
// decoded says the section decoded without problems; the engine's own
// checks run only then, so a wrong-typed user is not also "missing".
func (v *validator) probe(ps probeSpec, s *section, b base, where string, decoded bool) (Probe, bool) {
	before := len(v.problems)
	p := Probe{Name: ps.Name, Kind: probe.Kind(strings.ToLower(ps.Kind)), Line: s.header, Repeat: 1}

	if ps.Name == "" {
		v.add(s, where, "name", "missing: every probe needs a unique name (results and history are keyed by it)")
	} else if first, dup := v.names[ps.Name]; dup {
		v.add(s, where, "name", "duplicate name %q (first used on line %d)", ps.Name, first)
	} else {
		v.names[ps.Name] = s.lineOf("name")
	}
	switch p.Kind {
	case probe.KindOptions, probe.KindRegister, probe.KindInvite:
		v.kindKeys(s, where, string(p.Kind))
	case "":
		v.add(s, where, "kind", "missing: want options, register or invite")
	default:
		v.add(s, where, "kind", "unknown kind %q: want options, register or invite", ps.Kind)
	}

	v.checkConn(ps.connSpec, s, where)
	c := merge(b.spec, ps.connSpec)
	if c.Server == nil {
		v.add(s, where, "server", "no server: set server here or in [defaults]")
	}
	cfg := v.config(c)
	p.Transports = v.transports(ps, s, where)

	if s.has("repeat") && (ps.Repeat < 1 || ps.Repeat > maxRepeat) {
		v.add(s, where, "repeat", "%d: want 1 to %d", ps.Repeat, maxRepeat)
	} else if ps.Repeat > 0 {
		p.Repeat = ps.Repeat
	}
	p.Interval = defaultInterval
	if s.has("interval") {
		p.Interval = v.duration(s, where, "interval", ps.Interval, true)
	}

	if p.Kind == probe.KindRegister || p.Kind == probe.KindInvite {
		cfg.User, cfg.AuthUser, cfg.Domain = ps.User, ps.AuthUser, ps.Domain
		cfg.ShowSecrets = ps.ShowSecrets
		cfg.Password = v.password(ps, s, where)
	}
	if p.Kind == probe.KindRegister {
		cfg.Bind = ps.Bind
		cfg.AllowEvict = ps.AllowEvict
		cfg.Expires = probe.DefaultExpires
		if s.has("expires") {
			cfg.Expires = ps.Expires
			if ps.Bind && ps.Expires < 1 {
				// RFC 3261 §10.2.2: Expires 0 removes a binding.
				v.add(s, where, "expires", "%d: want at least 1 with bind (0 would remove the binding, not create it)", ps.Expires)
			}
		}
	}
	if p.Kind == probe.KindInvite {
		if s.has("codecs") && len(ps.Codecs) == 0 {
			v.add(s, where, "codecs", "empty: list one or more codecs, or leave codecs out for the defaults")
		}
		cfg.Invite = probe.InviteConfig{
			To: ps.To, Codecs: ps.Codecs, RTP: ps.RTP, CodecSweep: ps.CodecSweep,
			Hold:        v.duration(s, where, "hold", ps.Hold, false),
			RingTimeout: v.duration(s, where, "ring_timeout", ps.RingTimeout, false),
		}
	}
	p.Expect = v.expect(ps.Expect, s, where)
	p.Config = cfg

	// The engine's own checks (user required, cert with key, …), worded
	// for the file. Only worth running when our checks passed.
	if decoded && len(v.problems) == before && p.Kind != "" {
		if err := validateFanOut(cfg, p.Kind, p.Transports); err != nil {
			msg := strings.TrimPrefix(err.Error(), probe.ErrConfig.Error()+": ")
			if !errors.Is(err, probe.ErrConfig) {
				msg = err.Error()
			}
			v.problems = append(v.problems, Problem{File: v.file, Line: s.header, Where: where, Msg: flagsToKeys(msg)})
		}
	}
	return p, len(v.problems) == before
}

// validateFanOut runs the engine's checks for every transport a probe fans
// out to: sips: with transports = ["udp", "tls"] is wrong on udp only.
func validateFanOut(cfg probe.Config, kind probe.Kind, transports []string) error {
	for _, t := range transports {
		cfg.Transport = t
		if err := cfg.Validate(kind); err != nil {
			return err
		}
	}
	if len(transports) > 0 {
		return nil
	}
	return cfg.Validate(kind)
}

// kindKeys refuses keys that do not apply to the kind ("to" on options).
func (v *validator) kindKeys(s *section, where, kind string) {
	for key := range s.keys {
		if kinds := kindsFor(key); kinds != nil && !slices.Contains(kinds, kind) {
			v.add(s, where, key, "not a setting of kind %s (only of %s)", kind, strings.Join(kinds, ", "))
		}
	}
}

func merge(d, p connSpec) connSpec {
	pick := func(a, b *string) *string {
		if b != nil {
			return b
		}
		return a
	}
	pickB := func(a, b *bool) *bool {
		if b != nil {
			return b
		}
		return a
	}
	return connSpec{
		Server: pick(d.Server, p.Server), Transport: pick(d.Transport, p.Transport), Timeout: pick(d.Timeout, p.Timeout),
		LocalAddr: pick(d.LocalAddr, p.LocalAddr), DNSServer: pick(d.DNSServer, p.DNSServer), UserAgent: pick(d.UserAgent, p.UserAgent), Lang: pick(d.Lang, p.Lang),
		CAFile: pick(d.CAFile, p.CAFile), Cert: pick(d.Cert, p.Cert), Key: pick(d.Key, p.Key), ServerName: pick(d.ServerName, p.ServerName),
		Insecure: pickB(d.Insecure, p.Insecure), NoFallback: pickB(d.NoFallback, p.NoFallback),
	}
}

// config turns merged, already checked settings into a probe.Config.
// Relative TLS file paths are relative to the scenario file.
func (v *validator) config(c connSpec) probe.Config {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	cfg := probe.Config{
		Target: str(c.Server), Transport: strings.ToLower(str(c.Transport)), LocalAddr: str(c.LocalAddr), DNSServer: str(c.DNSServer), UserAgent: str(c.UserAgent),
		Timeout: probe.DefaultTimeout,
		TLS: probe.TLSConfig{
			CAFile: v.path(str(c.CAFile)), CertFile: v.path(str(c.Cert)), KeyFile: v.path(str(c.Key)),
			ServerName: str(c.ServerName), Insecure: c.Insecure != nil && *c.Insecure,
		},
		NoFallback: c.NoFallback != nil && *c.NoFallback,
	}
	if d, err := time.ParseDuration(str(c.Timeout)); err == nil && d > 0 {
		cfg.Timeout = d
	}
	cfg.Lang, _ = catalog.ParseLang(str(c.Lang))
	return cfg
}

func (v *validator) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(v.dir, p)
}

func (v *validator) transports(ps probeSpec, s *section, where string) []string {
	if !s.has("transports") {
		return nil
	}
	if ps.Transport != nil {
		v.add(s, where, "transports", "give either transport or transports, not both")
	}
	if len(ps.Transports) == 0 {
		v.add(s, where, "transports", "empty: list one or more of udp, tcp, tls")
	}
	var out []string
	for _, t := range ps.Transports {
		t = strings.ToLower(t)
		switch {
		case !validTransport(t):
			v.add(s, where, "transports", "%q: want udp, tcp or tls", t)
		case slices.Contains(out, t):
			v.add(s, where, "transports", "%q listed twice", t)
		default:
			out = append(out, t)
		}
	}
	return out
}

func (v *validator) duration(s *section, where, key, val string, zeroOK bool) time.Duration {
	if !s.has(key) {
		return 0
	}
	d, err := time.ParseDuration(val)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		v.add(s, where, key, "%q: want a positive duration like \"3s\"", val)
		return 0
	}
	return d
}

// password resolves the password source. A clear-text password in a file
// that gets committed and mailed around is refused outright.
func (v *validator) password(ps probeSpec, s *section, where string) string {
	switch {
	case s.has("password"):
		v.add(s, where, "password", "clear-text passwords are not accepted in a scenario file: use password_env or password_file")
		return ""
	case s.has("password_env") && s.has("password_file"):
		v.add(s, where, "password_env", "give either password_env or password_file, not both")
		return ""
	case s.has("password_env"):
		val, ok := v.lookupEnv(ps.PasswordEnv)
		switch {
		case ps.PasswordEnv == "":
			v.add(s, where, "password_env", "empty variable name")
		case !ok:
			v.add(s, where, "password_env", "environment variable %s is not set", ps.PasswordEnv)
		case val == "":
			v.add(s, where, "password_env", "environment variable %s is empty", ps.PasswordEnv)
		}
		return val
	case s.has("password_file"):
		b, err := v.readFile(v.path(ps.PasswordFile))
		if err != nil {
			v.add(s, where, "password_file", "cannot read %s: %v", ps.PasswordFile, unwrapPath(err))
			return ""
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r")
	}
	return ""
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

func (v *validator) expect(e expectSpec, s *section, where string) results.Expectation {
	e.Diagnosis = strings.ToLower(e.Diagnosis) // enum values ignore case
	out := results.Expectation{Code: e.Code, Diagnosis: e.Diagnosis, MaxMs: e.MaxMs, CritMs: e.CritMs, Codec: strings.ToLower(e.Codec), MinContacts: e.MinContacts}
	if s.has("expect.code") && (e.Code < 100 || e.Code > 699) {
		v.add(s, where, "expect.code", "%d: want a SIP status code, 100 to 699", e.Code)
	}
	if s.has("expect.diagnosis") && !v.catalog.Has(e.Diagnosis) {
		v.add(s, where, "expect.diagnosis", "unknown diagnosis id %q (see: sipprobe catalog list)", e.Diagnosis)
	}
	if s.has("expect.max_ms") && e.MaxMs <= 0 {
		v.add(s, where, "expect.max_ms", "%g: want a positive number of milliseconds", e.MaxMs)
	}
	if s.has("expect.crit_ms") && e.CritMs <= 0 {
		v.add(s, where, "expect.crit_ms", "%g: want a positive number of milliseconds", e.CritMs)
	}
	if e.MaxMs > 0 && e.CritMs > 0 && e.CritMs < e.MaxMs {
		v.add(s, where, "expect.crit_ms", "%g is below max_ms %g: the critical threshold must be at least the warning one", e.CritMs, e.MaxMs)
	}
	if s.has("expect.min_contacts") && e.MinContacts < 1 {
		v.add(s, where, "expect.min_contacts", "%d: want at least 1", e.MinContacts)
	}
	if s.has("expect.codec") && e.Codec == "" {
		v.add(s, where, "expect.codec", "empty codec name")
	}
	return out
}

// flagsToKeys rewords the engine's flag names (--auth-user) as file keys.
func flagsToKeys(msg string) string {
	words := strings.Fields(msg)
	for i, w := range words {
		if strings.HasPrefix(w, "--") {
			words[i] = strings.ReplaceAll(strings.TrimPrefix(w, "--"), "-", "_")
		}
	}
	return strings.Join(words, " ")
}
