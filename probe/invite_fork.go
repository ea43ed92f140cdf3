package probe

import (
	"context"
	"strconv"
	"sync"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
)

// forks handles the 2xx responses of a forked INVITE (a ring group, or a
// registrar with several contacts for the callee): each 2xx with its own
// To-tag is a dialog of its own (RFC 3261 §12.1.2). The first one the call
// takes is confirmed as the call's dialog (confirm); every other one gets
// an ACK within its own dialog and then a BYE, since a test call wants one
// dialog (RFC 3261 §13.2.2.4). Without that, the phone that answered too
// retransmits its 2xx and keeps a call up.
//
// sipgo's INVITE client transaction passes the first 2xx up on its
// channel and every later 2xx (a retransmission, or another branch's
// answer) to its OnRetransmission hook only, which attempt installs on
// every INVITE before any answer can come.
type forks struct {
	mu       sync.Mutex
	answered string       // the To-tag of the call's confirmed dialog; "" until confirm
	ack      *sip.Request // the confirmed dialog's ACK
	pending  []*sip.Response
	legs     map[string]*sip.Request // the other dialogs' ACKs by To-tag
	notes    []catalog.Note
	closed   bool
	wg       sync.WaitGroup
}

// later2xx is the INVITE transaction's hook for every 2xx after the first
// one: it runs on sipgo's goroutine, so it only writes ACKs and leaves the
// BYE to a goroutine of its own.
func (c *call) later2xx(inv *sip.Request) func(*sip.Response) {
	return func(res *sip.Response) {
		if res == nil || !res.IsSuccess() {
			return
		}
		f := &c.forks
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.closed {
			return
		}
		if f.answered == "" {
			// The call's own 2xx is on its way through attempt: which one
			// it is, confirm says.
			f.pending = append(f.pending, res)
			return
		}
		c.onLater2xx(inv, res)
	}
}

// onLater2xx answers one later 2xx; the caller holds f.mu.
func (c *call) onLater2xx(inv *sip.Request, res *sip.Response) {
	f := &c.forks
	tag := toTagOf(res)
	if tag == f.answered {
		// A retransmission of the confirmed dialog's 2xx: its ACK again.
		_ = c.l.write(f.ack.Clone())
		return
	}
	if ack, ok := f.legs[tag]; ok {
		// Another branch's 2xx again: our ACK to it was lost, or crossed.
		_ = c.l.write(ack.Clone())
		return
	}
	d := dialogOf(inv, res)
	// A dialog of its own, numbered from the INVITE's CSeq (RFC 3261
	// §12.2.1.1): the ACK carries the INVITE's number, the BYE the next.
	ids := &dialogIDs{callID: c.ids.callID, fromTag: c.ids.fromTag, cseq: inv.CSeq().SeqNo - 1}
	ack := c.dialogRequest(ids, d, sip.ACK)
	if f.legs == nil {
		f.legs = map[string]*sip.Request{}
	}
	f.legs[tag] = ack
	_ = c.l.write(ack.Clone())
	contact := d.target.String()
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		got := c.hangUpFork(ids, d)
		f.mu.Lock()
		f.notes = append(f.notes, catalog.NewNote("fork-answered", "name", tag, "addr", contact).With("text", got))
		f.mu.Unlock()
	}()
}

// confirmed records the call's dialog and answers the later 2xx that came
// before it was known.
func (f *forks) confirmed(c *call, tag string, ack *sip.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answered, f.ack = tag, ack
	for _, res := range f.pending {
		c.onLater2xx(c.inv, res)
	}
	f.pending = nil
}

// taken is the To-tag of the dialog the call confirmed, "" before.
func (f *forks) taken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.answered
}

// end stops taking later 2xx responses, waits for the BYEs under way
// (each bounded by the teardown budget) and returns their notes. A 2xx
// that came while the call's own final response never did (the setup
// gave up: a timeout, an interruption) is a dialog we do not take either:
// it gets its ACK and BYE now, or that phone keeps a call up.
func (f *forks) end(c *call) []catalog.Note {
	f.mu.Lock()
	if f.answered == "" {
		for _, res := range f.pending {
			c.onLater2xx(c.inv, res)
		}
		f.pending = nil
	}
	f.closed = true
	f.mu.Unlock()
	f.wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	notes := f.notes
	f.notes = nil
	return notes
}

// hangUpFork ends a dialog we do not want with a BYE and returns how it
// was answered; a challenged BYE gets its one authenticated retry
// (sendBye), so the phone is not left with a call up. The budget is the
// teardown's.
func (c *call) hangUpFork(ids *dialogIDs, d *dialog) catalog.Note {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.s.parent), teardownBudget)
	defer cancel()
	res, err := c.sendBye(ctx, func() *sip.Request { return c.dialogRequest(ids, d, sip.BYE) })
	if err != nil || res == nil {
		return catalog.NewNote("no-answer")
	}
	return catalog.Text(strconv.Itoa(int(res.StatusCode)) + " " + res.Reason)
}

// dialogOf is the dialog a 2xx to inv creates, as the UAC sees it (RFC
// 3261 §12.1.2): the To-tag, the Contact as remote target, the
// Record-Route reversed as route set.
func dialogOf(inv *sip.Request, res *sip.Response) *dialog {
	d := &dialog{target: inv.Recipient, toTag: toTagOf(res)}
	if ct := res.Contact(); ct != nil {
		d.target = ct.Address
	}
	rr := res.GetHeaders("Record-Route")
	for i := len(rr) - 1; i >= 0; i-- {
		d.routes = append(d.routes, sip.NewHeader("Route", rr[i].Value()))
	}
	return d
}

// dialogRequest builds a request within d numbered by ids.
func (c *call) dialogRequest(ids *dialogIDs, d *dialog, method sip.RequestMethod) *sip.Request {
	spec := requestSpec{method: method, ruri: d.target, from: c.spec.from, to: c.spec.to, toTag: d.toTag}
	spec.extra = append(spec.extra, d.routes...)
	return c.s.buildRequest(c.l, ids, spec)
}

func toTagOf(res *sip.Response) string {
	if to := res.To(); to != nil {
		tag, _ := to.Params.Get("tag")
		return tag
	}
	return ""
}
