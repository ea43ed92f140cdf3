package catalog

import (
	"strconv"
	"time"
)

// CertExpiry describes the server certificate a TLS probe was shown, for
// the expiry warning. The probe decides Expiring from the user's
// --cert-warn-days; the rules only apply it.
type CertExpiry struct {
	// Subject names the certificate for people: its common name, else its
	// first DNS name, else the whole subject.
	Subject string
	// NotAfter is the earliest expiry over the presented chain
	// (blackbox_exporter's probe_ssl_earliest_cert_expiry).
	NotAfter time.Time
	// DaysLeft is the time until NotAfter in days; negative once expired.
	DaysLeft float64
	// Expiring: DaysLeft is within the warning window.
	Expiring bool
}

// TLSPlainSIP is the TLS failure kind for a port that answered plain SIP
// over TCP while the TLS handshake failed or hung.
const TLSPlainSIP = "plain-sip"

const (
	idCertExpiring = "tls-cert-expiring"
	// kindCertExpired words tls-cert-expiring for a certificate already
	// past its date (accepted only because of --insecure).
	kindCertExpired = "expired"
)

// certExpiring reports whether the exchange carries an expiry warning.
func certExpiring(ex Exchange) bool { return ex.Cert != nil && ex.Cert.Expiring }

// withCertExpiry turns a diagnosis that would be ok or info into the
// expiry warning: the service works today and stops working for every
// TLS client on the date. A worse diagnosis stays; notesFor adds the
// expiry as a note.
func (c *Catalog) withCertExpiry(ex Exchange, ch choice) choice {
	if !certExpiring(ex) {
		return ch
	}
	if e := c.entryByID(ch.id); e == nil || (e.sev != SeverityOK && e.sev != SeverityInfo) {
		return ch
	}
	out := choice{id: idCertExpiring}
	if ex.Cert.DaysLeft < 0 {
		out.kind = kindCertExpired
	}
	return out
}

// certVars are the placeholders of the expiry texts: {server} the
// certificate's subject, {n} the days (left or since expiry), {text} the
// date.
func certVars(ce *CertExpiry) vars {
	days := ce.DaysLeft
	if days < 0 {
		days = -days
	}
	return vars{
		"server": clip(ce.Subject, 120),
		"n":      strconv.FormatFloat(days, 'f', 1, 64),
		"text":   ce.NotAfter.UTC().Format("2006-01-02 15:04 MST"),
	}
}

// plainSIPVars fill the plain-SIP summary with what the TCP check got.
func (c *Catalog) plainSIPVars(ex Exchange, v vars) {
	if ex.Alt != nil && ex.Alt.Code > 0 {
		v.setCode(c, ex.Alt.Code, "")
	}
}

// plainSIP reports a TLS attempt that failed or hung while plain SIP over
// TCP answered on the same address: a TLS client pointed at the plain
// port. It is checked before the silence rules (fail2ban-ban among them),
// because an answer over TCP proves the server is not ignoring us.
func plainSIP(ex Exchange) bool {
	return ex.Transport == "tls" && ex.Final == nil && ex.Alt != nil && ex.Alt.Answered
}
