package scenarios

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/localaddr"
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

// add records a problem, unless key (or the table holding it) already had
// a wrong type: one complaint per mistake.
func (v *validator) add(s *section, where, key, format string, args ...any) {
	for k := key; k != ""; {
		if s.bad[k] {
			return
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
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

// checkConn validates the values a section writes itself ([defaults] or
// one [[probe]]): each value is checked once, at its own line, whether or
// not a probe inherits it.
func (v *validator) checkConn(c connSpec, s *section, where string) {
	if c.Transport != nil {
		if !validTransport(*c.Transport) {
			v.add(s, where, "transport", "%q: want udp, tcp, tls, ws or wss", *c.Transport)
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
	if c.CertWarnDays != nil && (*c.CertWarnDays < 0 || *c.CertWarnDays > probe.MaxCertWarnDays) {
		v.add(s, where, "cert_warn_days", "%d: want 0 (never) to %d days", *c.CertWarnDays, probe.MaxCertWarnDays)
	}
	if c.LocalAddr != nil {
		// Here, not when the probe binds its socket: a typo is the file's
		// mistake, not an internal error (as --local-addr).
		if err := localaddr.Check(*c.LocalAddr); err != nil {
			v.add(s, where, "local_addr", "%q: %v", *c.LocalAddr, err)
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
	v.duration(s, where, "hold", c.Hold, true) // "0s": no hold
	if c.DTMF != nil {
		if err := probe.ValidateDTMF(*c.DTMF); err != nil {
			v.add(s, where, "dtmf", "%q: %v", *c.DTMF, err)
		}
	}
	v.duration(s, where, "ring_timeout", c.RingTimeout, false)
	// As --wait: 0 would silently mean the default, so it is refused.
	v.duration(s, where, "wait", c.Wait, false)
	given := 0
	for _, p := range []bool{c.Password != nil, c.PasswordEnv != nil, c.PasswordFile != nil} {
		if p {
			given++
		}
	}
	if given > 1 {
		key := "password_env"
		if c.Password != nil {
			key = "password"
		}
		v.add(s, where, key, "give only one of password, password_env and password_file")
	}
	v.checkExpect(c.Expect, s, where)
}

// validTransport: enum values are case-insensitive everywhere ("TCP").
func validTransport(t string) bool {
	t = strings.ToLower(t)
	return t == "udp" || t == "tcp" || t == "tls" || t == "ws" || t == "wss"
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
	case probe.KindOptions, probe.KindRegister, probe.KindInvite, probe.KindReceive:
		v.kindKeys(s, where, string(p.Kind))
	case "":
		v.add(s, where, "kind", "missing: want options, register, invite or receive")
	default:
		v.add(s, where, "kind", "unknown kind %q: want options, register, invite or receive", ps.Kind)
	}

	v.checkConn(ps.connSpec, s, where)
	c := merge(b.spec, ps.connSpec)
	if c.Server == nil {
		v.add(s, where, "server", "no server: set server here or in [defaults]")
	}
	cfg := v.config(c)
	p.Transports = v.transports(ps, s, where)
	// Secrets are resolved for the entries a run selects (WithOnly).
	secrets := v.selects(ps.Name, p.Transports)

	if s.has("repeat") && (ps.Repeat < 1 || ps.Repeat > maxRepeat) {
		v.add(s, where, "repeat", "%d: want 1 to %d", ps.Repeat, maxRepeat)
	} else if ps.Repeat > 0 {
		p.Repeat = ps.Repeat
	}
	p.Interval = defaultInterval
	if s.has("interval") {
		p.Interval = v.duration(s, where, "interval", &ps.Interval, true)
	}

	// Kind-specific settings inherited from [defaults] apply only to the
	// kinds that take them; the others ignore them.
	if p.Kind == probe.KindRegister || p.Kind == probe.KindInvite || p.Kind == probe.KindReceive {
		cfg.User, cfg.AuthUser, cfg.Domain = deref(c.User), deref(c.AuthUser), deref(c.Domain)
		cfg.ShowSecrets = deref(c.ShowSecrets)
		cfg.Password = v.password(ps.connSpec, s, where, b, secrets)
	}
	if p.Kind == probe.KindRegister {
		cfg.Bind = deref(c.Bind)
		cfg.AllowEvict = deref(c.AllowEvict)
		cfg.Expires = probe.DefaultExpires
		if c.Expires != nil {
			cfg.Expires = *c.Expires
			if cfg.Bind && cfg.Expires < 1 {
				// RFC 3261 §10.2.2: Expires 0 removes a binding.
				v.add(s, where, "expires", "%d: want at least 1 with bind (0 would remove the binding, not create it)", cfg.Expires)
			}
		}
	}
	if p.Kind == probe.KindInvite {
		if s.has("codecs") && len(ps.Codecs) == 0 {
			v.add(s, where, "codecs", "empty: list one or more codecs, or leave codecs out for the defaults")
		}
		cfg.Invite = probe.InviteConfig{
			To: deref(c.To), Codecs: c.Codecs, RTP: deref(c.RTP), CodecSweep: deref(c.CodecSweep), SRTP: deref(c.SRTP),
			Hold:        holdOf(c.Hold),
			RingTimeout: parseDuration(c.RingTimeout),
			MinMOS:      deref(c.Expect.MinMOS),
			DTMF:        deref(c.DTMF),
		}
	}
	if p.Kind == probe.KindReceive {
		cfg.AllowEvict = deref(c.AllowEvict)
		cfg.Expires = probe.DefaultExpires
		if c.Expires != nil {
			cfg.Expires = *c.Expires
		}
		cfg.Receive = v.receive(c, s, where, secrets)
	}
	v.serveKeys(ps, s, where, b, &p)
	v.accountsKey(ps, s, where, &p, secrets)
	p.Expect = expectation(c.Expect, p.Kind)
	v.crossCheckExpect(ps.Expect, b.spec.Expect, p.Expect, s, where)
	cfg.Invite.NoSRTPRetry = p.Expect.ExpectsMediaRefusal()
	p.Config = cfg

	// The engine's own checks (user required, cert with key, …), worded
	// for the file. Only worth running when our checks passed.
	if decoded && len(v.problems) == before && p.Kind != "" {
		vcfg := cfg
		if p.Accounts != "" {
			vcfg.User = sweepUser // the rows give the users
		}
		if err := validateFanOut(vcfg, p.Kind, p.Transports); err != nil {
			msg := strings.TrimPrefix(err.Error(), probe.ErrConfig.Error()+": ")
			if !errors.Is(err, probe.ErrConfig) {
				msg = err.Error()
			}
			v.problems = append(v.problems, Problem{File: v.file, Line: s.header, Where: where, Msg: flagsToKeys(msg)})
		}
	}
	return p, len(v.problems) == before
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
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

// merge lays the probe's own settings over the defaults: every field the
// probe leaves unset (nil) is inherited, and the expect table key by key.
func merge(d, p connSpec) connSpec {
	out := p
	inherit(reflect.ValueOf(&out).Elem(), reflect.ValueOf(d))
	return out
}

func inherit(dst, def reflect.Value) {
	for i := range dst.NumField() {
		switch f := dst.Field(i); f.Kind() {
		case reflect.Struct:
			inherit(f, def.Field(i))
		case reflect.Pointer, reflect.Slice:
			if f.IsNil() {
				f.Set(def.Field(i))
			}
		}
	}
}

// config turns merged, already checked settings into a probe.Config.
// Relative TLS file paths are relative to the scenario file.
func (v *validator) config(c connSpec) probe.Config {
	str := deref[string]
	cfg := probe.Config{
		Target: str(c.Server), Transport: strings.ToLower(str(c.Transport)), LocalAddr: str(c.LocalAddr), DNSServer: str(c.DNSServer), UserAgent: str(c.UserAgent),
		Timeout: probe.DefaultTimeout,
		TLS: probe.TLSConfig{
			CAFile: v.path(str(c.CAFile)), CertFile: v.path(str(c.Cert)), KeyFile: v.path(str(c.Key)),
			ServerName: str(c.ServerName), Insecure: deref(c.Insecure),
		},
		NoFallback: deref(c.NoFallback),
	}
	if d, err := time.ParseDuration(str(c.Timeout)); err == nil && d > 0 {
		cfg.Timeout = d
	}
	cfg.Lang, _ = catalog.ParseLang(str(c.Lang))
	if c.CertWarnDays != nil {
		// In the file, as on the command line, 0 means never.
		cfg.CertWarnDays = *c.CertWarnDays
		if cfg.CertWarnDays == 0 {
			cfg.CertWarnDays = probe.NoCertWarn
		}
	}
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
		v.add(s, where, "transports", "empty: list one or more of udp, tcp, tls, ws, wss")
	}
	var out []string
	for _, t := range ps.Transports {
		t = strings.ToLower(t)
		switch {
		case !validTransport(t):
			v.add(s, where, "transports", "%q: want udp, tcp, tls, ws or wss", t)
		case slices.Contains(out, t):
			v.add(s, where, "transports", "%q listed twice", t)
		default:
			out = append(out, t)
		}
	}
	return out
}

// duration checks the duration string val of key, if given.
func (v *validator) duration(s *section, where, key string, val *string, zeroOK bool) time.Duration {
	if val == nil {
		return 0
	}
	d, err := time.ParseDuration(*val)
	if err != nil || d < 0 || (d == 0 && !zeroOK) {
		v.add(s, where, key, "%q: want a positive duration like \"3s\"", *val)
		return 0
	}
	return d
}

// parseDuration reads an already checked duration.
func parseDuration(val *string) time.Duration {
	d, _ := time.ParseDuration(deref(val))
	return d
}

// password resolves the probe's password source: its own if it gives one,
// else the one of [defaults] (reported at its line in [defaults]).
//
// A clear-text password is accepted only from a file that no one but its
// owner can read (mode 0600 or stricter), the rule of .pgpass and .netrc:
// a file readable by others is one that gets committed and mailed around.
// That rule holds for every entry; an environment variable or a password
// file is read only when resolve is set (the entry is selected, WithOnly).
func (v *validator) password(own connSpec, s *section, where string, b base, resolve bool) string {
	src := own
	if !hasPassword(s) {
		if !hasPassword(b.sec) {
			return ""
		}
		src, s, where = b.spec, b.sec, "defaults"
	}
	switch {
	case src.Password != nil && (src.PasswordEnv != nil || src.PasswordFile != nil),
		src.PasswordEnv != nil && src.PasswordFile != nil:
		return "" // reported by checkConn
	case src.Password != nil:
		if !v.modeKnown || v.mode&0o077 != 0 {
			v.add(s, where, "password", "password in clear text needs the file to be mode 0600 (chmod 600 %s), or use password_env/password_file", v.file)
			return ""
		}
		if *src.Password == "" {
			v.add(s, where, "password", "empty password")
		}
		return *src.Password
	case src.PasswordEnv != nil:
		name := *src.PasswordEnv
		if name == "" {
			v.add(s, where, "password_env", "empty variable name")
			return ""
		}
		if !resolve {
			return ""
		}
		val, ok := v.lookupEnv(name)
		switch {
		case !ok:
			v.add(s, where, "password_env", "environment variable %s is not set", name)
		case val == "":
			v.add(s, where, "password_env", "environment variable %s is empty", name)
		}
		return val
	case src.PasswordFile != nil:
		if !resolve {
			return ""
		}
		return v.secretFile(s, where, "password_file", *src.PasswordFile)
	}
	return ""
}

// hasPassword reports whether the section names a password source, even
// one with a wrong type (which then stays unresolved, already reported).
func hasPassword(s *section) bool {
	return s.has("password") || s.has("password_env") || s.has("password_file")
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// checkExpect validates the expect keys a section writes itself.
func (v *validator) checkExpect(e expectSpec, s *section, where string) {
	if e.Code != nil && (*e.Code < 100 || *e.Code > 699) {
		v.add(s, where, "expect.code", "%d: want a SIP status code, 100 to 699", *e.Code)
	}
	if e.Diagnosis != nil && !v.catalog.Has(strings.ToLower(*e.Diagnosis)) {
		v.add(s, where, "expect.diagnosis", "unknown diagnosis id %q (see: sipprobe catalog list)", *e.Diagnosis)
	}
	if e.MaxMs != nil && *e.MaxMs <= 0 {
		v.add(s, where, "expect.max_ms", "%g: want a positive number of milliseconds", *e.MaxMs)
	}
	if e.CritMs != nil && *e.CritMs <= 0 {
		v.add(s, where, "expect.crit_ms", "%g: want a positive number of milliseconds", *e.CritMs)
	}
	if e.MaxMs != nil && e.CritMs != nil && *e.MaxMs > 0 && *e.CritMs > 0 && *e.CritMs < *e.MaxMs {
		v.add(s, where, "expect.crit_ms", "%g is below max_ms %g: the critical threshold must be at least the warning one", *e.CritMs, *e.MaxMs)
	}
	if e.MinContacts != nil && *e.MinContacts < 1 {
		v.add(s, where, "expect.min_contacts", "%d: want at least 1", *e.MinContacts)
	}
	if e.Codec != nil && *e.Codec == "" {
		v.add(s, where, "expect.codec", "empty codec name")
	}
	if e.MinMOS != nil && (*e.MinMOS < 1 || *e.MinMOS > 4.5) {
		v.add(s, where, "expect.min_mos", "%g: want a MOS from 1 to 4.5", *e.MinMOS)
	}
}

// crossCheckExpect checks the thresholds of a merged expect table whose
// max_ms and crit_ms come from different sections (one from [defaults]);
// checkExpect has seen the pairs written together.
func (v *validator) crossCheckExpect(own, def expectSpec, e results.Expectation, s *section, where string) {
	mixed := (own.MaxMs == nil) != (own.CritMs == nil) && (def.MaxMs != nil || def.CritMs != nil)
	if mixed && e.MaxMs > 0 && e.CritMs > 0 && e.CritMs < e.MaxMs {
		key := "expect.crit_ms"
		if own.CritMs == nil {
			key = "expect.max_ms"
		}
		v.add(s, where, key, "crit_ms %g is below max_ms %g (one of them from [defaults]): the critical threshold must be at least the warning one", e.CritMs, e.MaxMs)
	}
}

// expectation builds the merged expect table; keys of other kinds
// (expect.codec on a register inherited from [defaults]) are ignored.
func expectation(e expectSpec, kind probe.Kind) results.Expectation {
	// Enum values ignore case ("Wrong-Password", "PCMA").
	out := results.Expectation{Code: deref(e.Code), Diagnosis: strings.ToLower(deref(e.Diagnosis)), MaxMs: deref(e.MaxMs), CritMs: deref(e.CritMs)}
	if kind == probe.KindInvite {
		out.Codec = strings.ToLower(deref(e.Codec))
	}
	if kind == probe.KindRegister {
		out.MinContacts = deref(e.MinContacts)
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

// holdOf is the entry's hold: unset is the default, an explicit "0s" no
// hold at all.
func holdOf(s *string) time.Duration {
	if s == nil {
		return 0
	}
	return probe.HoldOf(parseDuration(s))
}
