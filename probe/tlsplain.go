package probe

import (
	"context"
	"errors"
	"strconv"
	"time"

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

// errPlainAnswered cancels a TLS handshake once plain SIP has answered on
// the same address: the handshake would only hang until the timeout.
var errPlainAnswered = errors.New("plain SIP answered on the TLS port")

// startPlainCheck arms the check for a TLS probe (s.alt, nil when the user
// turned fallback checks off; call it after s.wire exists). It returns the
// context to dial in, which the check's answer cancels, and what makes of
// the dial's error the hang that answer cut short.
func (s *session) startPlainCheck(ctx context.Context, res resolution) (context.Context, func(error) error) {
	if res.Transport != "tls" || s.cfg.NoFallback {
		return ctx, func(err error) error { return err }
	}
	dialCtx, cancel := context.WithCancelCause(ctx)
	started := time.Now()
	s.alt = startAltCheck(ctx, s, res, func() { cancel(errPlainAnswered) })
	return dialCtx, func(err error) error {
		defer cancel(nil)
		// The cause is the first cancel's: a Ctrl-C or the deadline before
		// the plain answer keeps its own error.
		if err == nil || !errors.Is(context.Cause(dialCtx), errPlainAnswered) {
			return err
		}
		// What a timeout would have said, sooner: a hang that plain SIP
		// explains (finishPlainCheck then reads the check's answer).
		return &dialError{outcome: catalog.OutcomeConnectTimeout, plainSuspect: true,
			err: wrapNote("tls-abandoned", nil, "seconds", strconv.FormatFloat(time.Since(started).Seconds(), 'f', 2, 64))}
	}
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
