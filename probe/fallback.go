package probe

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// altCheck asks the same server over TCP while a UDP probe is still waiting,
// so that when UDP stays silent the result can say whether TCP answered: the
// seeds' first remedy for a timeout is "try TCP", and the probe tries it for
// the admin. It starts at half the timeout, only if UDP has been silent.
type altCheck struct {
	ctx    context.Context // the probe's
	s      *session
	res    resolution
	timer  *time.Timer
	done   chan struct{}
	mu     sync.Mutex
	stop   context.CancelFunc // the running check's, under mu
	halted bool               // cancel was called, under mu
	result *results.AltTransportCheck
	w      *wire // set when the check starts: most probes never start one
	// claimed is set by whoever decides the check's fate first: the timer
	// or startNow running it, or cancel and wait giving it up. A probe that
	// gets its answer in time never starts a goroutine for the check.
	claimed atomic.Bool
	// answered, when set, is called once the check gets a final response.
	answered func()
}

// quickAltBudget bounds a check started at once after ICMP port
// unreachable: the answer is already known to be "closed", so the probe
// should not wait long for the TCP side.
const quickAltBudget = time.Second

// startAltCheck arms the check; answered, when not nil, is called from
// the check's goroutine as soon as the server answers it.
func startAltCheck(ctx context.Context, s *session, res resolution, answered func()) *altCheck {
	a := &altCheck{ctx: ctx, s: s, res: res, done: make(chan struct{}), answered: answered}
	a.timer = time.AfterFunc(s.cfg.timeout()/2, a.startLate)
	return a
}

func (a *altCheck) startLate() { a.begin(false) }

// begin runs the check in its own goroutine, unless its fate is decided.
// quick: after ICMP port unreachable, within quickAltBudget. Its context
// and wire are made here, not per probe: a sweep's probes mostly get
// their answer in time.
func (a *altCheck) begin(quick bool) {
	if !a.claimed.CompareAndSwap(false, true) {
		return
	}
	s, res := a.s, a.res
	a.w = newWire(s.start)
	a.mu.Lock()
	rctx, stop := context.WithCancel(a.ctx)
	a.stop = stop
	halted := a.halted
	a.mu.Unlock()
	go func() {
		defer close(a.done)
		defer stop()
		if halted || rctx.Err() != nil {
			return
		}
		if quick {
			var cancel context.CancelFunc
			rctx, cancel = context.WithTimeout(rctx, quickAltBudget)
			defer cancel()
		}
		if s.wire.received() {
			return
		}
		a.run(rctx, s, res)
	}()
}

// abandon gives the check up if it has not started.
func (a *altCheck) abandon() {
	if a.claimed.CompareAndSwap(false, true) {
		close(a.done)
	}
}

// startNow runs the check without waiting for half the timeout: UDP said
// "port unreachable", and whether TCP answers there tells a server that
// does not speak UDP from one that is down.
func (a *altCheck) startNow() {
	a.timer.Stop()
	a.begin(true)
}

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
		out.Error = s.catalogue().NoteText(noteOf(err), s.cfg.Lang)
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
		if a.answered != nil {
			a.answered()
		}
	} else {
		out.Error = sub.catalogue().DetailText(ex, s.cfg.Lang)
		out.Silent = ex.Outcome == catalog.OutcomeTimeout
	}
	a.set(out)
}

func (a *altCheck) set(r *results.AltTransportCheck) {
	a.mu.Lock()
	a.result = r
	a.mu.Unlock()
}

// wait returns the check's result once it has finished; a check that has
// not started by the probe's deadline is not tried.
func (a *altCheck) wait() *results.AltTransportCheck {
	select {
	case <-a.done:
	case <-a.ctx.Done():
		a.timer.Stop()
		a.abandon()
		<-a.done
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.result == nil {
		return &results.AltTransportCheck{Transport: "tcp", Error: "not tried: the timeout was too short"}
	}
	return a.result
}

func (a *altCheck) cancel() {
	a.timer.Stop()
	a.mu.Lock()
	a.halted = true
	if a.stop != nil {
		a.stop()
	}
	a.mu.Unlock()
	a.abandon()
	<-a.done
}

// messages is the check's transcript; call it once the check is settled
// (wait or cancel), when a.w no longer changes.
func (a *altCheck) messages() []results.Message {
	if a.w == nil {
		return nil
	}
	return a.w.snapshot()
}
