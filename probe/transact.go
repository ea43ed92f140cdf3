package probe

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// exchangeError is why a request got no final response.
type exchangeError struct {
	outcome catalog.Outcome
	unreach string // catalog.Unreach* for OutcomeHostUnreachable
	notes   []catalog.Note
}

func (e *exchangeError) Error() string {
	parts := make([]string, 0, len(e.notes))
	for _, n := range e.notes {
		parts = append(parts, enText(n))
	}
	return fmt.Sprintf("%s: %s", e.outcome, strings.Join(parts, "; "))
}

// exErr is an exchangeError with the probe's notes.
func exErr(outcome catalog.Outcome, notes ...catalog.Note) *exchangeError {
	return &exchangeError{outcome: outcome, notes: notes}
}

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
		return exErr(catalog.OutcomeTooLarge, catalog.NewNote("too-large"))
	}
	if ferr := s.faultError(nil); ferr != nil {
		return ferr
	}
	return exErr(catalog.OutcomeInternal, catalog.NewNote("send-failed", "text", err.Error()))
}

func (s *session) txError(err error) error {
	if ferr := s.faultError(nil); ferr != nil {
		return ferr
	}
	switch {
	case errors.Is(err, sip.ErrTransactionTimeout):
		return s.silenceError(context.Background())
	case errors.Is(err, sip.ErrTransactionTransport):
		return exErr(catalog.OutcomeClosed, catalog.NewNote("transport-failed", "text", err.Error()))
	}
	if err == nil {
		return exErr(catalog.OutcomeInternal, catalog.NewNote("no-final"))
	}
	return exErr(catalog.OutcomeInternal, catalog.Text(err.Error()))
}

// faultError turns a transport fault that ends the exchange into its
// error: ICMP port unreachable, no route (or a firewall's ICMP), a closed
// stream. nil when there is none, as for malformed input, after which a
// good answer may still follow. l names the server when known.
func (s *session) faultError(l *link) error {
	switch {
	case s.wire.has(faultUnreachable):
		n := s.wire.unreachableNote()
		if l != nil {
			n = catalog.NewNote("icmp-port-unreachable-listen", "from", n.Vars["from"],
				"proto", l.transport, "addr", l.raddr.String())
		}
		return exErr(catalog.OutcomePortUnreachable, n)
	case s.wire.has(faultNoRoute):
		kind, n := s.wire.noRoute()
		e := exErr(catalog.OutcomeHostUnreachable, n)
		e.unreach = kind
		return e
	case s.wire.has(faultClosed):
		return s.closedError()
	}
	return nil
}

func (s *session) closedError() error {
	d := catalog.NewNote("closed-before-final").With("text", s.wire.closedNote())
	return exErr(catalog.OutcomeClosed, append([]catalog.Note{d}, s.wire.malformedNotes()...)...)
}

// silenceError explains why nothing usable came back: garbage counts as
// malformed, a user's Ctrl-C as canceled, anything else as a timeout.
func (s *session) silenceError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return exErr(catalog.OutcomeCanceled, catalog.NewNote("interrupted"))
	}
	if m := s.wire.malformedNotes(); len(m) > 0 {
		return exErr(catalog.OutcomeMalformed, m...)
	}
	if s.wire.received() {
		return exErr(catalog.OutcomeTimeout, catalog.NewNote("timeout-provisional"))
	}
	return exErr(catalog.OutcomeTimeout, catalog.NewNote("timeout-silent"))
}
