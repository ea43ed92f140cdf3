package kamailio

import (
	_ "embed"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"
)

var (
	//go:embed kamailio.cfg.tmpl
	cfgText string
	//go:embed tls.cfg.tmpl
	tlsText string

	cfgTmpl = template.Must(template.New("kamailio.cfg").Parse(cfgText))
	tlsTmpl = template.Must(template.New("tls.cfg").Parse(tlsText))
)

// account is one htable entry in the rendered config.
type account struct{ User, Password string }

// cfgData is what kamailio.cfg.tmpl reads.
type cfgData struct {
	RunDir, CtlSocket, TLSConfig string
	Host                         string
	Port, TLSPort                int
	Realm                        string
	Accounts                     []account
	MaxContacts, DefaultExpires  int
	ChallengeFlags               string
	UnknownUser404               bool
	WrongPassword403             bool
	ChallengeOptions, InviteAuth bool
	SHA256                       bool
	InviteRoute                  string
	SingleContact                bool
	RewriteContact               bool
	// WSPort and WSSPort: SIP over WebSocket listeners (0: none).
	WSPort, WSSPort int
	WSPath          string
	NATCalls        bool
	OpenRegistrar   bool
}

// tlsData is what tls.cfg.tmpl reads.
type tlsData struct {
	CertFile, KeyFile, CAFile string
	RequireClient             bool
}

// files are the paths of one rendered server directory.
type files struct {
	dir, cfg, tls, pid, ctl, log string
}

func newFiles(dir string) files {
	return files{
		dir: dir,
		cfg: filepath.Join(dir, "kamailio.cfg"),
		tls: filepath.Join(dir, "tls.cfg"),
		pid: filepath.Join(dir, "kamailio.pid"),
		// unix socket paths are limited to 108 bytes; t.TempDir() paths
		// stay well below that for ordinary test names.
		ctl: filepath.Join(dir, "ctl.sock"),
		log: filepath.Join(dir, "kamailio.log"),
	}
}

// render writes kamailio.cfg and tls.cfg for the given ports.
func (c *config) render(f files, port, tlsPort int, ws wsPorts) error {
	d := cfgData{
		RunDir: f.dir, CtlSocket: f.ctl, TLSConfig: f.tls,
		Host: c.host, Port: port, TLSPort: tlsPort,
		Realm:            c.realm,
		MaxContacts:      c.maxContacts,
		DefaultExpires:   c.defaultExpires,
		UnknownUser404:   c.unknownUser == UnknownUser404,
		WrongPassword403: c.wrongPass403,
		ChallengeOptions: c.challengeOpts,
		InviteAuth:       c.inviteAuth,
		SHA256:           c.sha256,
		InviteRoute:      c.inviteRoute,
		ChallengeFlags:   "0",
		SingleContact:    c.singleContact,
		RewriteContact:   c.rewriteContact,
		WSPort:           ws.ws,
		WSSPort:          ws.wss,
		WSPath:           WSPath,
		NATCalls:         c.natCalls,
		OpenRegistrar:    c.open,
	}
	if c.qop {
		d.ChallengeFlags = "1" // www_challenge flag 1: qop=auth
	}
	for _, u := range slices.Sorted(maps.Keys(c.accounts)) {
		if strings.ContainsAny(u+c.accounts[u], "\"\\\n$") {
			return fmt.Errorf("%w: account %q: quotes, backslashes, newlines and $ are not allowed", ErrConfig, u)
		}
		d.Accounts = append(d.Accounts, account{User: u, Password: c.accounts[u]})
	}
	pair := c.certs.Server
	if c.serverCert != nil {
		pair = *c.serverCert
	}
	t := tlsData{CertFile: pair.CertFile, KeyFile: pair.KeyFile, CAFile: c.certs.CAFile, RequireClient: c.requireClient}
	if err := writeTemplate(f.cfg, cfgTmpl, d); err != nil {
		return err
	}
	return writeTemplate(f.tls, tlsTmpl, t)
}

func writeTemplate(path string, tmpl *template.Template, data any) error {
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrConfig, filepath.Base(path), err)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
