package probe

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// fault is something the transport told us that is not a SIP message.
type fault int

const (
	faultNone        fault = iota
	faultUnreachable       // ICMP port unreachable on the connected UDP socket
	faultClosed            // the peer closed or reset the stream
	faultMalformed         // bytes arrived that are not a usable SIP message
	faultNoRoute           // the host or network is unreachable, or a firewall rejected with ICMP
)

// wire records everything sent and received on one probe's connections,
// with timestamps taken where the bytes are read (sipgo may drop or reorder
// provisional responses above us), and reports transport faults.
type wire struct {
	t0 time.Time

	mu        sync.Mutex
	msgs      []results.Message
	resps     []results.Response // the SIP responses among msgs, parsed once on arrival
	sentAt    time.Time          // first send
	firstIn   time.Time          // first message received
	faults    []fault
	malformed []catalog.Note
	closed    *catalog.Note // why the stream ended
	unreach   struct {
		kind string
		note *catalog.Note
	} // the first faultNoRoute
	portUnreach *catalog.Note // the first faultUnreachable
	notify      chan struct{}
	// Room for a REGISTER with digest (two requests, two answers) in the
	// wire's own allocation, so the transcript grows without reallocating.
	msgBuf  [4]results.Message
	respBuf [2]results.Response
}

func newWire(t0 time.Time) *wire {
	w := &wire{t0: t0, notify: make(chan struct{}, 1)}
	w.msgs, w.resps = w.msgBuf[:0], w.respBuf[:0]
	return w
}

func (w *wire) poke() {
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// record adds a message seen at time now. Sends are stamped before the
// write: on loopback the answer can be read before Write returns.
func (w *wire) record(now time.Time, dir results.Direction, transport, local, remote string, raw []byte) {
	w.recordAt(now, dir, transport, local, remote, raw)
}

// recordAt is record, returning the message's time in the transcript.
func (w *wire) recordAt(now time.Time, dir results.Direction, transport, local, remote string, raw []byte) results.Millis {
	at := results.MillisOf(now.Sub(w.t0))
	w.mu.Lock()
	defer w.mu.Unlock()
	if dir == results.DirOut && w.sentAt.IsZero() {
		w.sentAt = now
	}
	if dir == results.DirIn && w.firstIn.IsZero() {
		w.firstIn = now
	}
	w.msgs = append(w.msgs, results.Message{
		Dir: dir, AtMs: at, Transport: transport,
		Local: local, Remote: remote, Raw: string(raw),
	})
	return at
}

// inbound records a received message and checks it is usable SIP. The
// parse that checks it also lists a response for responses().
func (w *wire) inbound(transport, local, remote string, raw []byte) {
	at := w.recordAt(time.Now(), results.DirIn, transport, local, remote, raw)
	w.check(at, remote, raw)
}

// check parses a received message: garbage becomes a fault, a response is
// listed.
func (w *wire) check(at results.Millis, remote string, raw []byte) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return
	}
	msg, err := sip.ParseMessage(raw)
	switch {
	case err != nil:
		w.addFault(faultMalformed, catalog.NewNote("unparseable", "addr", remote, "n", strconv.Itoa(len(raw)), "text", err.Error()))
	default:
		res, ok := msg.(*sip.Response)
		if !ok {
			return
		}
		if res.Via() == nil {
			w.addFault(faultMalformed, catalog.NewNote("no-via", "code", strconv.Itoa(res.StatusCode), "reason", res.Reason, "addr", remote))
		}
		r := results.Response{Code: int(res.StatusCode), Reason: res.Reason, AtMs: at}
		if cs := res.CSeq(); cs != nil {
			r.Method = string(cs.MethodName)
		}
		w.mu.Lock()
		w.resps = append(w.resps, r)
		w.mu.Unlock()
	}
}

func (w *wire) addFault(f fault, n catalog.Note) {
	w.mu.Lock()
	w.faults = append(w.faults, f)
	switch f {
	case faultMalformed:
		// Retransmitted garbage says nothing new.
		text := enText(n)
		if !slices.ContainsFunc(w.malformed, func(m catalog.Note) bool { return enText(m) == text }) {
			w.malformed = append(w.malformed, n)
		}
	case faultClosed:
		if w.closed == nil {
			w.closed = &n
		}
	case faultUnreachable:
		if w.portUnreach == nil {
			w.portUnreach = &n
		}
	}
	w.mu.Unlock()
	w.poke()
}

// addUnreachable records a faultNoRoute of a catalogue kind
// (catalog.UnreachHost, ...).
func (w *wire) addUnreachable(kind string, n catalog.Note) {
	w.mu.Lock()
	if w.unreach.note == nil {
		w.unreach.kind, w.unreach.note = kind, &n
	}
	w.mu.Unlock()
	w.addFault(faultNoRoute, n)
}

func (w *wire) has(f fault) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, x := range w.faults {
		if x == f {
			return true
		}
	}
	return false
}

// unreachableNote says who reported the port unreachable.
func (w *wire) unreachableNote() catalog.Note {
	w.mu.Lock()
	defer w.mu.Unlock()
	return deref(w.portUnreach)
}

// noRoute returns the first faultNoRoute's kind and description.
func (w *wire) noRoute() (kind string, n catalog.Note) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.unreach.kind, deref(w.unreach.note)
}

// malformedNotes describe each distinct unusable message.
func (w *wire) malformedNotes() []catalog.Note {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.malformed)
}

// closedNote says why the stream ended.
func (w *wire) closedNote() catalog.Note {
	w.mu.Lock()
	defer w.mu.Unlock()
	return deref(w.closed)
}

func deref(n *catalog.Note) catalog.Note {
	if n == nil {
		return catalog.Note{}
	}
	return *n
}

// received reports whether anything at all came back.
func (w *wire) received() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.firstIn.IsZero()
}

func (w *wire) firstResponse() results.Millis {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.firstIn.IsZero() || w.sentAt.IsZero() {
		return 0
	}
	return results.MillisOf(w.firstIn.Sub(w.sentAt))
}

// snapshot copies the transcript.
func (w *wire) snapshot() []results.Message {
	w.mu.Lock()
	out := append([]results.Message(nil), w.msgs...)
	w.mu.Unlock()
	slices.SortStableFunc(out, byTime)
	return out
}

// byTime orders messages by their time in the transcript. A stable sort
// with it keeps the order of ties, as sort.SliceStable did, without the
// reflection (and its allocations) per probe.
func byTime(a, b results.Message) int { return cmp.Compare(a.AtMs, b.AtMs) }

// responses lists every SIP response received, in arrival order, with the
// method it answered (from CSeq).
func (w *wire) responses() []results.Response {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.resps)
	// Arrival order is transcript order: ties keep their order, as the
	// stable sort of snapshot does.
	slices.SortStableFunc(out, func(a, b results.Response) int { return cmp.Compare(a.AtMs, b.AtMs) })
	return out
}
