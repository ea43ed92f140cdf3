package probe

import (
	"context"
	"errors"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// A TLS probe pointed at a plain SIP port fails in a way that says little:
// the server answers the ClientHello with SIP or garbage, closes, or (like
// Kamailio) waits for a SIP message that never comes until the handshake
// times out. So while a handshake hangs past half the timeout, or at once
// when it fails like that, the probe asks the same address one plain
// OPTIONS over TCP (the altCheck of UDP silence). An answer means "this
// port speaks plain SIP, not TLS" (tls-failure, kind plain-sip).

// startPlainCheck arms the check for a TLS probe; nil when the user turned
// fallback checks off. Call it after s.wire exists.
func (s *session) startPlainCheck(ctx context.Context, res resolution) *altCheck {
	if res.Transport != "tls" || s.cfg.NoFallback {
		return nil
	}
	return startAltCheck(ctx, s, res)
}

// finishPlainCheck settles the check after the TLS connection attempt:
// cancelled when the handshake succeeded or failed on the certificate,
// awaited when it failed or hung the way a plain SIP port makes it.
func (s *session) finishPlainCheck(r *results.Result, ex *catalog.Exchange, dialErr error) {
	if s.alt == nil {
		return
	}
	var de *dialError
	if dialErr == nil || !errors.As(dialErr, &de) || !de.plainSuspect {
		s.alt.cancel()
		return
	}
	if de.outcome == catalog.OutcomeTLS {
		s.alt.startNow()
	}
	a := s.alt.wait()
	d := s.details(r)
	d.AltTransport = a
	ex.Alt = &catalog.AltTransport{Transport: a.Transport, Answered: a.Answered, Code: a.Code, Silent: a.Silent, Unreachable: a.Unreachable}
	if !a.Answered {
		return
	}
	if d.TLS == nil {
		d.TLS = &results.TLSInfo{}
	}
	d.TLS.Failure = catalog.TLSPlainSIP
	d.TLS.Error = de.err.Error()
	ex.TLSFailure = catalog.TLSPlainSIP
}
