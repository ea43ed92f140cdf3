package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/secretfile"
	"github.com/sipprobe/sipprobe/probe"
)

func env(name string) []string { return []string{"SIPPROBE_" + name} }

// commonFlags are the flags every probe command has (DESIGN.md §1). Each has
// an env var so cron jobs need no long command lines.
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "server", Aliases: []string{"s"}, Usage: "`TARGET`: host, host:port, [v6]:port or a sip:/sips: URI", EnvVars: env("SERVER")},
		&cli.StringFlag{Name: "transport", Aliases: []string{"t"}, Usage: "udp, tcp, tls, ws or wss (default udp, tls for sips:, ws/wss for a ws:// or wss:// URL)", EnvVars: env("TRANSPORT")},
		&cli.DurationFlag{Name: "timeout", Value: probe.DefaultTimeout, Usage: "the probe finishes within this, whatever the network does", EnvVars: env("TIMEOUT")},
		&cli.StringFlag{Name: "local-addr", Usage: "local `IP[:port]` to send from", EnvVars: env("LOCAL_ADDR")},
		&cli.StringFlag{Name: "dns-server", Usage: "resolve the target through this DNS server only: `IP[:port]` (port 53 by default)", EnvVars: env("DNS_SERVER")},
		&cli.StringFlag{Name: "user-agent", Usage: "User-Agent header (default sipprobe/VERSION)", EnvVars: env("USER_AGENT")},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "what to print: text, json, junit, nagios (a Nagios/Icinga check) or prom", EnvVars: env("OUTPUT")},
		&cli.BoolFlag{Name: "trace", Usage: "print the message ladder", EnvVars: env("TRACE")},
		&cli.BoolFlag{Name: "show-secrets", Usage: "do not redact digest response= values and SDES inline: keys in transcripts"},
		&cli.BoolFlag{Name: "no-fallback", Usage: "after UDP silence or a TLS handshake that hangs or breaks off, do not check whether plain TCP answers", EnvVars: env("NO_FALLBACK")},
		&cli.StringFlag{Name: "lang", Usage: "language of diagnoses: en or ru (default from LANG)", EnvVars: env("LANG")},
		&cli.StringFlag{Name: "ca-file", Usage: "PEM file of CAs to trust for TLS instead of the system roots", EnvVars: env("CA_FILE")},
		&cli.StringFlag{Name: "cert", Usage: "PEM client certificate for TLS", EnvVars: env("CERT")},
		&cli.StringFlag{Name: "key", Usage: "PEM private key of --cert", EnvVars: env("KEY")},
		&cli.StringFlag{Name: "server-name", Usage: "TLS server name to send and verify (default: the target's host)", EnvVars: env("SERVER_NAME")},
		&cli.BoolFlag{Name: "insecure", Usage: "do not verify the server's TLS certificate", EnvVars: env("INSECURE")},
		&cli.IntFlag{Name: "cert-warn-days", Value: probe.DefaultCertWarnDays, Usage: "warn when the server's TLS certificate expires within `N` days (0: never)", EnvVars: env("CERT_WARN_DAYS")},
	}
}

// credentialFlags are for the probes that authenticate.
func credentialFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "the extension / account `USER`", EnvVars: env("USER")},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, Usage: "password (prefer SIPPROBE_PASSWORD or --password-file: command lines are visible to other users)", EnvVars: env("PASSWORD")},
		&cli.StringFlag{Name: "password-file", Usage: "read the password from the first line of `FILE`", EnvVars: env("PASSWORD_FILE")},
		&cli.StringFlag{Name: "auth-user", Usage: "digest user name when it differs from --user", EnvVars: env("AUTH_USER")},
		&cli.StringFlag{Name: "domain", Usage: "SIP domain of the account (default: the target's host)", EnvVars: env("DOMAIN")},
	}
}

// configFromFlags builds the probe configuration from the command line.
func configFromFlags(c *cli.Context) (probe.Config, error) {
	lang, err := catalog.ParseLang(c.String("lang"))
	if err != nil {
		return probe.Config{}, usagef("--lang: %v", err)
	}
	cfg := probe.Config{
		Target:      c.String("server"),
		Transport:   strings.ToLower(c.String("transport")),
		Timeout:     c.Duration("timeout"),
		LocalAddr:   c.String("local-addr"),
		DNSServer:   c.String("dns-server"),
		UserAgent:   c.String("user-agent"),
		NoFallback:  c.Bool("no-fallback"),
		ShowSecrets: c.Bool("show-secrets"),
		Lang:        lang,
		TLS: probe.TLSConfig{
			CAFile:     c.String("ca-file"),
			CertFile:   c.String("cert"),
			KeyFile:    c.String("key"),
			ServerName: c.String("server-name"),
			Insecure:   c.Bool("insecure"),
		},
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = readVersion().userAgent()
	}
	if cfg.CertWarnDays, err = certWarnDays(c.Int("cert-warn-days")); err != nil {
		return cfg, err
	}
	if hasFlag(c, "user") {
		cfg.User = c.String("user")
		cfg.AuthUser = c.String("auth-user")
		cfg.Domain = c.String("domain")
		pw, err := readPassword(c)
		if err != nil {
			return cfg, err
		}
		cfg.Password = pw
	}
	return cfg, nil
}

// certWarnDays maps --cert-warn-days to probe.Config, where 0 means the
// default and the user's 0 ("never") is probe.NoCertWarn.
func certWarnDays(n int) (int, error) {
	switch {
	case n < 0:
		return 0, usagef("--cert-warn-days %d: want 0 (never) or a number of days", n)
	case n == 0:
		return probe.NoCertWarn, nil
	}
	return n, nil
}

func hasFlag(c *cli.Context, name string) bool {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// readPassword takes the password from --password or --password-file,
// each given on the command line or as SIPPROBE_PASSWORD /
// SIPPROBE_PASSWORD_FILE. One rule, as for every flag: the command line
// beats the environment, so SIPPROBE_PASSWORD in a cron environment and
// --password-file on one job's line give the file. Two sources on the same
// level are ambiguous and an error. The file's first line is used, without
// its line ending.
func readPassword(c *cli.Context) (string, error) {
	return readSecret(c, "password", "password-file")
}

// readSecret is readPassword for any pair of flags (receive's
// --from-password and --from-password-file too).
func readSecret(c *cli.Context, name, fileName string) (string, error) {
	value, file := c.String(name), c.String(fileName)
	pwCmd, fileCmd := onCommandLine(c, name), onCommandLine(c, fileName)
	switch {
	case pwCmd && fileCmd:
		return "", usagef("give either --%s or --%s, not both", name, fileName)
	case pwCmd:
		file = ""
	case fileCmd:
		value = ""
	case value != "" && file != "":
		return "", usagef("both %s and %s are set: unset one", source(c, name), source(c, fileName))
	}
	if file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", &exitError{code: 3, err: fmt.Errorf("%s: %w", source(c, fileName), err)}
	}
	line, err := secretfile.FirstLine(b)
	if err != nil {
		return "", usagef("%s %s: %v", source(c, fileName), file, err)
	}
	return line, nil
}

// durationFlag is a helper for probe-specific duration flags.
func durationFlag(name string, def time.Duration, usage string) *cli.DurationFlag {
	return &cli.DurationFlag{Name: name, Value: def, Usage: usage, EnvVars: env(strings.ToUpper(strings.ReplaceAll(name, "-", "_")))}
}
