package probe

import (
	"context"
	"errors"
	"fmt"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// exchangeError is why a request got no final response.
type exchangeError struct {
	outcome catalog.Outcome
	unreach string // catalog.Unreach* for OutcomeHostUnreachable
	detail  string
}

func (e *exchangeError) Error() string { return fmt.Sprintf("%s: %s", e.outcome, e.detail) }

// do sends req and waits for its final response. It returns early on ICMP
// unreachable or a closed stream, and ends at ctx's deadline however the
// network behaves; sipgo's Timer B is not what stops it, because any 1xx
// stops Timer B (DESIGN.md §4).
func (s *session) do(ctx context.Context, l *link, req *sip.Request, onProvisional func(*sip.Response)) (*sip.Response, error) {
	tx, err := l.send(ctx, req)
	if err != nil {
		return nil, s.sendError(err)
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res == nil {
				continue
			}
			if res.IsProvisional() {
				if onProvisional != nil {
					onProvisional(res)
				}
				continue
			}
			return res, nil
		case <-tx.Done():
			return nil, s.txError(tx.Err())
		case <-s.wire.notify:
			if err := s.faultError(l); err != nil {
				return nil, err
			}
			// Malformed input alone is not the end: a good answer may follow.
		case <-ctx.Done():
			return nil, s.silenceError(ctx)
		}
	}
}

func (s *session) sendError(err error) error {
	switch {
	case errors.Is(err, sip.ErrUDPMTUCongestion):
		return &exchangeError{outcome: catalog.OutcomeTooLarge, detail: "the request is larger than a UDP datagram may safely be; use TCP"}
	}
	if ferr := s.faultError(nil); ferr != nil {
		return ferr
	}
	return &exchangeError{outcome: catalog.OutcomeInternal, detail: "sending failed: " + err.Error()}
}

func (s *session) txError(err error) error {
	if ferr := s.faultError(nil); ferr != nil {
		return ferr
	}
	switch {
	case errors.Is(err, sip.ErrTransactionTimeout):
		return s.silenceError(context.Background())
	case errors.Is(err, sip.ErrTransactionTransport):
		return &exchangeError{outcome: catalog.OutcomeClosed, detail: "the transport failed: " + err.Error()}
	}
	if err == nil {
		err = errors.New("transaction ended without a final response")
	}
	return &exchangeError{outcome: catalog.OutcomeInternal, detail: err.Error()}
}

// faultError turns a transport fault that ends the exchange into its
// error: ICMP port unreachable, no route (or a firewall's ICMP), a closed
// stream. nil when there is none, as for malformed input, after which a
// good answer may still follow. l names the server when known.
func (s *session) faultError(l *link) error {
	switch {
	case s.wire.has(faultUnreachable):
		detail := s.wire.unreachableDetail()
		if l != nil {
			detail += ": nothing listens on " + l.transport + " " + l.raddr.String()
		}
		return &exchangeError{outcome: catalog.OutcomePortUnreachable, detail: detail}
	case s.wire.has(faultNoRoute):
		kind, detail := s.wire.noRoute()
		return &exchangeError{outcome: catalog.OutcomeHostUnreachable, unreach: kind, detail: detail}
	case s.wire.has(faultClosed):
		return s.closedError()
	}
	return nil
}

func (s *session) closedError() error {
	d := s.wire.closedDetail() + " before sending a final response"
	if m := s.wire.malformedDetail(); m != "" {
		d += "; " + m
	}
	return &exchangeError{outcome: catalog.OutcomeClosed, detail: d}
}

// silenceError explains why nothing usable came back: garbage counts as
// malformed, a user's Ctrl-C as canceled, anything else as a timeout.
func (s *session) silenceError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &exchangeError{outcome: catalog.OutcomeCanceled, detail: "interrupted"}
	}
	if m := s.wire.malformedDetail(); m != "" {
		return &exchangeError{outcome: catalog.OutcomeMalformed, detail: m}
	}
	if s.wire.received() {
		return &exchangeError{outcome: catalog.OutcomeTimeout, detail: "provisional responses came, but no final response within the timeout"}
	}
	return &exchangeError{outcome: catalog.OutcomeTimeout, detail: "no response within the timeout"}
}
