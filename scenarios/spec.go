package scenarios

// The TOML schema. Key names are the CLI flag names in snake_case so a user
// moves a command line into a file without a dictionary. Durations are
// strings ("5s") parsed after decoding, so that a wrong type is reported
// with its line and a bad duration by us with its line.

// connSpec holds every setting [defaults] may give and a [[probe]] may
// override: everything but what names and shapes a probe (name, kind,
// transports, repeat, interval). Every field is a pointer (or a slice, or
// the expect table of pointers) so "not set" differs from a zero value
// (insecure = false overriding insecure = true). merge inherits every
// field generically, so a key added here is inheritable with no other
// change. A kind-specific key in [defaults] (to, bind, expect.codec)
// applies to the probes of the kinds that accept it and is ignored by the
// others.
type connSpec struct {
	Server     *string `toml:"server"`
	Transport  *string `toml:"transport"`
	Timeout    *string `toml:"timeout"`
	LocalAddr  *string `toml:"local_addr"`
	DNSServer  *string `toml:"dns_server"`
	UserAgent  *string `toml:"user_agent"`
	Lang       *string `toml:"lang"`
	CAFile     *string `toml:"ca_file"`
	Cert       *string `toml:"cert"`
	Key        *string `toml:"key"`
	ServerName *string `toml:"server_name"`
	Insecure   *bool   `toml:"insecure"`
	NoFallback *bool   `toml:"no_fallback"`
	// CertWarnDays: 0 turns the certificate expiry warning off.
	CertWarnDays *int `toml:"cert_warn_days"`

	// Credentials (register, invite). A clear-text password is accepted
	// only from a file no one else can read (validator.password).
	User         *string `toml:"user"`
	AuthUser     *string `toml:"auth_user"`
	Domain       *string `toml:"domain"`
	Password     *string `toml:"password"`
	PasswordEnv  *string `toml:"password_env"`
	PasswordFile *string `toml:"password_file"`
	ShowSecrets  *bool   `toml:"show_secrets"`

	// Register.
	Bind       *bool `toml:"bind"`
	Expires    *int  `toml:"expires"`
	AllowEvict *bool `toml:"allow_evict"`

	// Invite.
	To          *string  `toml:"to"`
	Codecs      []string `toml:"codecs"`
	Hold        *string  `toml:"hold"`
	RingTimeout *string  `toml:"ring_timeout"`
	RTP         *bool    `toml:"rtp"`
	CodecSweep  *bool    `toml:"codec_sweep"`
	DTMF        *string  `toml:"dtmf"`
	SRTP        *string  `toml:"srtp"` // none, sdes, optional

	// Receive (the inbound-call test). The trigger account's password
	// comes from an environment variable or a file, never the scenario.
	FromUser         *string `toml:"from_user"`
	FromAuthUser     *string `toml:"from_auth_user"`
	FromPasswordEnv  *string `toml:"from_password_env"`
	FromPasswordFile *string `toml:"from_password_file"`
	Wait             *string `toml:"wait"`

	// Expect is merged key by key: a probe's expect.code replaces the
	// default's, the default's other keys stay.
	Expect expectSpec `toml:"expect"`
}

// probeSpec is one [[probe]] entry: the inheritable settings plus what
// belongs to the probe alone.
type probeSpec struct {
	connSpec

	Name       string   `toml:"name"`
	Kind       string   `toml:"kind"`
	Transports []string `toml:"transports"`
	Repeat     int      `toml:"repeat"`
	Interval   string   `toml:"interval"`
	// Targets and AnyTarget say where `sipprobe serve`'s /probe may send
	// this entry (serve.go).
	Targets   []string `toml:"targets"`
	AnyTarget *bool    `toml:"any_target"`
	// Accounts names a CSV file of accounts: one probe per row (sweep.go).
	Accounts *string `toml:"accounts"`
}

// expectSpec is the expect = {...} table.
type expectSpec struct {
	Code        *int     `toml:"code"`
	Diagnosis   *string  `toml:"diagnosis"`
	MaxMs       *float64 `toml:"max_ms"`
	CritMs      *float64 `toml:"crit_ms"`
	Codec       *string  `toml:"codec"`
	MinContacts *int     `toml:"min_contacts"`
	// MinMOS is the E-model MOS below which --rtp audio is
	// poor-audio-quality (invite; probe.DefaultMinMOS when unset).
	MinMOS *float64 `toml:"min_mos"`
}

// kindsFor lists the kinds that accept key, or nil when every kind does.
// A function, not a map variable: no package-level mutable state.
func kindsFor(key string) []string {
	switch key {
	case "user", "auth_user", "domain", "password", "password_env", "password_file", "show_secrets":
		return []string{"register", "invite", "receive"}
	case "accounts":
		return []string{"register", "options"}
	case "bind", "expect.min_contacts":
		return []string{"register"}
	case "expires", "allow_evict":
		return []string{"register", "receive"}
	case "to", "rtp":
		return []string{"invite", "receive"}
	case "codecs", "hold", "ring_timeout", "codec_sweep", "expect.codec", "expect.min_mos", "dtmf", "srtp":
		return []string{"invite"}
	case "from_user", "from_auth_user", "from_password_env", "from_password_file", "wait":
		return []string{"receive"}
	}
	return nil
}
