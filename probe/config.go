// Package probe is the SIP engine: it sends OPTIONS, REGISTER and INVITE
// requests over UDP, TCP or TLS and returns one rich result per probe.
package probe

import (
	"fmt"
	"net"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// Kind names a prober.
type Kind string

const (
	KindOptions  Kind = "options"
	KindRegister Kind = "register"
	KindInvite   Kind = "invite"
	KindReceive  Kind = "receive"
)

// Defaults of the contract (DESIGN.md §1).
const (
	DefaultTimeout = 5 * time.Second
	DefaultExpires = 60
	// DefaultCertWarnDays is how close to its expiry a TLS server
	// certificate makes a probe a warning (tls-cert-expiring).
	DefaultCertWarnDays = 14
	// NoCertWarn as Config.CertWarnDays turns the expiry warning off.
	NoCertWarn = -1
)

// TLSConfig holds the user's TLS settings.
type TLSConfig struct {
	CAFile     string
	CertFile   string
	KeyFile    string
	ServerName string
	Insecure   bool
}

// NoHold is the Hold of an explicit --hold 0: hang up right after the ACK.
const NoHold time.Duration = -1

// HoldOf maps a hold the user wrote to InviteConfig.Hold: an explicit 0
// means no hold, not the default.
func HoldOf(d time.Duration) time.Duration {
	if d == 0 {
		return NoHold
	}
	return d
}

// InviteConfig holds the test-call settings.
type InviteConfig struct {
	To     string
	Codecs []string
	// Hold is how long the answered call stays up: 0 means DefaultHold,
	// a negative value no hold (BYE right after the ACK); see NoHold.
	Hold        time.Duration
	RingTimeout time.Duration
	RTP         bool
	CodecSweep  bool
	// MinMOS is the E-model MOS below which measured audio is
	// poor-audio-quality (0: DefaultMinMOS).
	MinMOS float64
	// NoSRTPRetry: after an offer is refused (488/606), do not place the
	// one retry with the other encryption (plain → SDES tells
	// srtp-required from codec-mismatch, SDES → plain srtp-not-supported
	// from codec-mismatch, optional → RTP/SAVP finds a far end that
	// requires it); set when the user expects that refusal (a negative
	// test), so a check that runs every minute does not make two calls.
	NoSRTPRetry bool
	// DTMF is the digits to send as RFC 4733 telephone-events after the
	// answer (0-9, *, #, A-D); it implies RTP and a hold that fits them.
	DTMF string
	// SRTP is the media encryption offered: SRTPNone (""), SRTPSDES or
	// SRTPOptional.
	SRTP string
}

// DefaultMinMOS is --expect-min-mos's default: MOS 3.6 is R 70, the
// lower edge of G.109's "medium" quality, below which many users are
// dissatisfied.
const DefaultMinMOS = 3.6

// Config is what the user asked for. The CLI and the scenario runner both
// fill it; Validate checks it before anything is sent.
type Config struct {
	Target    string
	Transport string // udp, tcp, tls, ws, wss; "" picks from the target (sips: means tls) or udp
	Timeout   time.Duration
	LocalAddr string
	UserAgent string
	TLS       TLSConfig
	// DNSServer, when set, is the only DNS server asked ("IP[:port]",
	// port 53 by default; see ParseDNSServer).
	DNSServer string

	User     string
	AuthUser string
	Password string
	Domain   string
	Expires  int
	Bind     bool
	// AllowEvict lets --bind go ahead on an account that has contacts,
	// though the registrar may drop one for ours (max_contacts=1); evicted
	// contacts are put back afterwards where the registrar allows.
	AllowEvict bool

	Invite InviteConfig
	// Receive holds the inbound-call test's settings (receive).
	Receive ReceiveConfig

	// Refusals, when set, reports the logins the server refused lately
	// and whether it answered SIP since (the runner keeps them from the
	// run and its history); the diagnosis passes them to the catalogue,
	// which calls silence or a rejection a fail2ban ban only on that
	// evidence. It is called when the probe is diagnosed, not when it
	// starts, so that answers other probes got from the server in the
	// meantime (probes run in parallel) count.
	Refusals func() catalog.Refusals

	// CertWarnDays: a TLS server certificate (the earliest in its chain)
	// expiring within this many days makes an otherwise ok probe a
	// warning. 0 means DefaultCertWarnDays; NoCertWarn (any negative
	// value) disables the warning.
	CertWarnDays int

	// NoFallback disables the TCP check made after UDP silence or a TLS
	// handshake that hung or broke off.
	NoFallback  bool
	ShowSecrets bool
	Lang        catalog.Lang
}

// Validate reports the first problem with c, wrapping ErrConfig.
func (c Config) Validate(kind Kind) error {
	if c.Target == "" {
		return fmt.Errorf("%w: --server is required", ErrConfig)
	}
	t, err := parseTarget(c.Target)
	if err != nil {
		return fmt.Errorf("%w: --server: %w", ErrConfig, err)
	}
	if t.User != "" && kind != KindOptions {
		// Only OPTIONS has a use for it (is this user reachable?); for an
		// account or a callee, a silent drop would probe something else.
		return fmt.Errorf("%w: --server %q names a user: give the account with --user (and the callee with --to), and the server alone in --server", ErrConfig, c.Target)
	}
	switch c.Transport {
	case "", "udp", "tcp", "tls", "ws", "wss":
	default:
		return fmt.Errorf("%w: --transport %q (want udp, tcp, tls, ws or wss)", ErrConfig, c.Transport)
	}
	if t.Path != "" && c.Transport != "" && c.Transport != t.Transport {
		return fmt.Errorf("%w: --server %q is a %s:// URL: drop --transport %s", ErrConfig, c.Target, t.Transport, c.Transport)
	}
	if t.Scheme == "sips" && c.Transport != "" && c.Transport != "tls" && c.Transport != "wss" {
		// RFC 3261 §26.2.2: a SIPS URI is reached over TLS on every hop.
		return fmt.Errorf("%w: --server %q is a sips: URI, which needs TLS: drop --transport %s, or use sip: for %s", ErrConfig, c.Target, c.Transport, c.Transport)
	}
	if t.Path == "" && t.Transport != "" && c.Transport != "" && c.Transport != t.Transport {
		// The URI's ;transport= and --transport both choose: which one was
		// meant cannot be guessed, and the flag once won silently.
		return fmt.Errorf("%w: --server %q says ;transport=%s but --transport is %s: drop one of them", ErrConfig, c.Target, t.Transport, c.Transport)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("%w: --timeout must be positive", ErrConfig)
	}
	if c.LocalAddr != "" {
		if net.ParseIP(c.LocalAddr) == nil {
			if _, _, err := net.SplitHostPort(c.LocalAddr); err != nil {
				return fmt.Errorf("%w: --local-addr %q is not an IP or IP:port", ErrConfig, c.LocalAddr)
			}
		}
	}
	if c.DNSServer != "" {
		if _, err := ParseDNSServer(c.DNSServer); err != nil {
			return fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	if c.CertWarnDays > MaxCertWarnDays {
		return fmt.Errorf("%w: --cert-warn-days %d: want 0 to %d", ErrConfig, c.CertWarnDays, MaxCertWarnDays)
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		return fmt.Errorf("%w: --cert and --key go together", ErrConfig)
	}
	switch kind {
	case KindRegister:
		if c.User == "" {
			return fmt.Errorf("%w: --user is required", ErrConfig)
		}
		if c.Expires < 0 {
			return fmt.Errorf("%w: --expires must not be negative", ErrConfig)
		}
	case KindInvite:
		if c.User == "" {
			return fmt.Errorf("%w: --user is required", ErrConfig)
		}
		if c.Invite.To == "" {
			return fmt.Errorf("%w: --to is required", ErrConfig)
		}
		if err := ValidateCodecs(c.Invite.Codecs); err != nil {
			return fmt.Errorf("%w: --codecs: %v", ErrConfig, err)
		}
		if err := c.Invite.validateDTMF(); err != nil {
			return err
		}
		if err := ValidateSRTP(c.Invite.SRTP); err != nil {
			return fmt.Errorf("%w: --srtp: %v", ErrConfig, err)
		}
	case KindReceive:
		if err := c.Receive.validate(c.User); err != nil {
			return err
		}
	case KindOptions:
	default:
		return fmt.Errorf("%w: unknown probe kind %q", ErrConfig, kind)
	}
	return nil
}

// MaxCertWarnDays is the largest --cert-warn-days: ten years, far from
// time.Duration's limit.
const MaxCertWarnDays = 3650

// certWarn is the expiry warning window; 0 when disabled.
func (c Config) certWarn() time.Duration {
	switch {
	case c.CertWarnDays < 0:
		return 0
	case c.CertWarnDays == 0:
		return DefaultCertWarnDays * 24 * time.Hour
	}
	return time.Duration(c.CertWarnDays) * 24 * time.Hour
}

func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
