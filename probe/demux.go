package probe

import (
	"bytes"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// recorder is where a tap reports what its connection sends and receives:
// one probe's wire, or, on a socket many probes share, a demux that hands
// each message to the probe it belongs to.
type recorder interface {
	record(now time.Time, dir results.Direction, transport, local, remote string, raw []byte)
	inbound(transport, local, remote string, raw []byte)
	inboundScan(transport, local, remote string, raw []byte) scanned
	addFault(f fault, n catalog.Note)
	addUnreachable(kind string, n catalog.Note)
}

// demux routes the messages of a shared socket to the wire of the probe
// whose Call-ID they carry, so that each probe's transcript holds exactly
// its own exchange. A message with no Call-ID of a live probe (a late
// retransmission, garbage) goes into no transcript. Transport faults (ICMP
// port unreachable, no route) concern the socket, so every live probe on
// it hears of them.
type demux struct {
	mu    sync.RWMutex
	calls map[string]*wire
}

func newDemux() *demux { return &demux{calls: make(map[string]*wire)} }

// bind routes messages with callID to w from now on.
func (d *demux) bind(callID string, w *wire) {
	d.mu.Lock()
	d.calls[callID] = w
	d.mu.Unlock()
}

// unbind stops routing callID.
func (d *demux) unbind(callID string) {
	d.mu.Lock()
	delete(d.calls, callID)
	d.mu.Unlock()
}

func (d *demux) wireOf(raw []byte) *wire {
	id := callIDOf(raw)
	if id == nil {
		return nil
	}
	d.mu.RLock()
	w := d.calls[string(id)] // no allocation for the lookup
	d.mu.RUnlock()
	return w
}

func (d *demux) record(now time.Time, dir results.Direction, transport, local, remote string, raw []byte) {
	if w := d.wireOf(raw); w != nil {
		w.record(now, dir, transport, local, remote, raw)
	}
}

func (d *demux) inbound(transport, local, remote string, raw []byte) {
	if w := d.wireOf(raw); w != nil {
		w.inbound(transport, local, remote, raw)
	}
}

func (d *demux) inboundScan(transport, local, remote string, raw []byte) scanned {
	if w := d.wireOf(raw); w != nil {
		return w.inboundScan(transport, local, remote, raw)
	}
	return scanned{}
}

func (d *demux) addFault(f fault, n catalog.Note) {
	for _, w := range d.live() {
		w.addFault(f, n)
	}
}

func (d *demux) addUnreachable(kind string, n catalog.Note) {
	for _, w := range d.live() {
		w.addUnreachable(kind, n)
	}
}

// live lists each bound wire once.
func (d *demux) live() []*wire {
	d.mu.RLock()
	defer d.mu.RUnlock()
	seen := make(map[*wire]struct{}, len(d.calls))
	out := make([]*wire, 0, len(d.calls))
	for _, w := range d.calls {
		if _, ok := seen[w]; !ok {
			seen[w] = struct{}{}
			out = append(out, w)
		}
	}
	return out
}

// callIDOf is the Call-ID header value of a SIP message (long or compact
// form "i", RFC 3261 §7.3.3 and §20.8), or nil. It scans the header lines
// only, without parsing the message: the transport parses it anyway.
func callIDOf(raw []byte) []byte {
	rest := raw
	first := true
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) == 0 {
			return nil // end of the headers
		}
		if first { // the start line
			first = false
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		name := bytes.TrimRight(line[:colon], " \t")
		if bytes.EqualFold(name, []byte("Call-ID")) || bytes.EqualFold(name, []byte("i")) {
			return bytes.TrimSpace(line[colon+1:])
		}
	}
	return nil
}
