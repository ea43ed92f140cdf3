package probe

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// altCheck asks the same server over TCP while a UDP probe is still waiting,
// so that when UDP stays silent the result can say whether TCP answered: the
// seeds' first remedy for a timeout is "try TCP", and the probe tries it for
// the admin. It starts at half the timeout, only if UDP has been silent.
type altCheck struct {
	stop   context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	result *results.AltTransportCheck
	w      *wire
	now    chan struct{} // closed by startNow
	once   sync.Once
}

// quickAltBudget bounds a check started at once after ICMP port
// unreachable: the answer is already known to be "closed", so the probe
// should not wait long for the TCP side.
const quickAltBudget = time.Second

func startAltCheck(ctx context.Context, s *session, res resolution) *altCheck {
	actx, stop := context.WithCancel(ctx)
	a := &altCheck{stop: stop, done: make(chan struct{}), w: newWire(s.start), now: make(chan struct{})}
	go func() {
		defer close(a.done)
		rctx := actx
		select {
		case <-time.After(s.cfg.timeout() / 2):
		case <-a.now:
			var cancel context.CancelFunc
			rctx, cancel = context.WithTimeout(actx, quickAltBudget)
			defer cancel()
		case <-actx.Done():
			return
		}
		if s.wire.received() {
			return
		}
		a.run(rctx, s, res)
	}()
	return a
}

// startNow runs the check without waiting for half the timeout: UDP said
// "port unreachable", and whether TCP answers there tells a server that
// does not speak UDP from one that is down.
func (a *altCheck) startNow() { a.once.Do(func() { close(a.now) }) }

func (a *altCheck) run(ctx context.Context, s *session, res resolution) {
	// Finish a little before the probe's own deadline so the result can wait for us.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-50*time.Millisecond))
		defer cancel()
	}
	out := &results.AltTransportCheck{Transport: "tcp"}
	started := time.Now()
	sub := &session{kind: KindOptions, cfg: s.cfg, cat: s.cat, resolver: s.resolver, start: s.start, target: s.target, host: s.host, wire: a.w}
	sub.cfg.Transport, sub.cfg.User, sub.cfg.Password = "tcp", "", ""
	// Plain TCP: a sips: URI would ask for TLS (RFC 3261 §26.2.2), as it
	// does when this checks the port of a failed TLS handshake.
	sub.target.Scheme = "sip"
	l, err := openLink(ctx, "tcp", s.cfg.LocalAddr, res.Addr, nil, wsDial{}, s.cfg.UserAgent, a.w)
	if err != nil {
		var de *dialError
		out.Error = s.cat.NoteText(noteOf(err), s.cfg.Lang)
		if errors.As(err, &de) {
			out.Silent = de.outcome == catalog.OutcomeConnectTimeout
			out.Unreachable = de.outcome == catalog.OutcomeHostUnreachable
		}
		a.set(out)
		return
	}
	defer l.close()
	var r results.Result
	var ex catalog.Exchange
	sub.options(ctx, l, &r, &ex)
	out.Ms = results.MillisOf(time.Since(started))
	if ex.Final != nil {
		out.Answered, out.Code, out.Reason = true, ex.Final.Code, ex.Final.Reason
	} else {
		out.Error = sub.cat.DetailText(ex, s.cfg.Lang)
		out.Silent = ex.Outcome == catalog.OutcomeTimeout
	}
	a.set(out)
}

func (a *altCheck) set(r *results.AltTransportCheck) {
	a.mu.Lock()
	a.result = r
	a.mu.Unlock()
}

// wait returns the check's result once it has finished.
func (a *altCheck) wait() *results.AltTransportCheck {
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.result == nil {
		return &results.AltTransportCheck{Transport: "tcp", Error: "not tried: the timeout was too short"}
	}
	return a.result
}

func (a *altCheck) cancel() {
	a.stop()
	<-a.done
}

func (a *altCheck) messages() []results.Message { return a.w.snapshot() }
