// Package rtprelay is an RTP impairment relay for tests: it sits between
// a caller's RTP port and the far end's, drops packets by a seeded
// pattern and delays them by a seeded jitter, independently per
// direction, and records exactly what it did, so a test knows the true
// loss and jitter (the network here has no netem).
//
// It relays RTCP too, on the RTP port + 1 (RFC 3550 §11), with the base
// delay only: loss and jitter are for the RTP the statistics are about.
package rtprelay

import (
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// Direction is one way through the relay.
type Direction int

const (
	// Out is the caller's RTP toward the far end (the caller's "sent").
	Out Direction = iota
	// In is the far end's RTP toward the caller ("received").
	In
)

// Impairment is what one direction suffers.
type Impairment struct {
	// Loss is the fraction of RTP packets dropped, 0 to 1.
	Loss float64
	// Delay is added to every packet; Jitter adds a uniform random
	// 0..Jitter on top, per packet.
	Delay, Jitter time.Duration
}

// Option configures a Relay.
type Option func(*Relay)

// WithSeed seeds the loss pattern and the jitter (default 1).
func WithSeed(seed uint64) Option { return func(r *Relay) { r.seed = seed } }

// With impairs direction d.
func With(d Direction, imp Impairment) Option { return func(r *Relay) { r.dirs[d].imp = imp } }

// Event is the relay's record of one RTP packet of a direction, in the
// order it came to the relay.
type Event struct {
	Seq     uint16
	Dropped bool
}

// direction is one way's impairment and record.
type direction struct {
	imp    Impairment
	rng    *rand.Rand
	acc    float64 // the loss pattern's accumulator
	seen   int
	events []Event
	// RFC 3550 A.8 over what was forwarded, from the relay's own send
	// times: the true jitter a receiver behind it measures.
	jitter   float64
	prevSend time.Time
	prevTS   uint32
}

// wholeFirst is how many RTP packets of each direction go through whole and in
// order (no loss, the base delay only): a receiver's statistics start at
// its first packets (RFC 3550 A.1's probation), so a loss or reordering
// there would move its base and could not be compared with the record.
const wholeFirst = 5

// clockRate is the RTP clock rate of the jitter truth: the tests' G.711.
const clockRate = 8000.0

// Relay is a running relay.
type Relay struct {
	seed   uint64
	target netip.AddrPort // the far end's RTP address

	rtp, rtcp *net.UDPConn
	mu        sync.Mutex
	dirs      [2]direction
	caller    [2]netip.AddrPort // the caller's RTP and RTCP addresses, as learned
	wg        sync.WaitGroup
}

// Start relays between whoever sends to Addr and target (the far end's
// RTP; its RTCP on the next port) until the test ends.
func Start(t testing.TB, target netip.AddrPort, opts ...Option) *Relay {
	t.Helper()
	r := &Relay{seed: 1, target: target}
	for _, o := range opts {
		o(r)
	}
	for d := range r.dirs {
		r.dirs[d].rng = rand.New(rand.NewPCG(r.seed, uint64(d)))
		r.dirs[d].acc = r.dirs[d].rng.Float64()
	}
	if err := r.bind(); err != nil {
		t.Fatalf("rtprelay: %v", err)
	}
	r.wg.Add(2)
	go r.serve(r.rtp, 0)
	go r.serve(r.rtcp, 1)
	t.Cleanup(r.close)
	return r
}

// bind takes an even port and the odd one after it on loopback.
func (r *Relay) bind() error {
	var spare []*net.UDPConn
	defer func() {
		for _, c := range spare {
			_ = c.Close()
		}
	}()
	for i := 0; i < 32; i++ {
		c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return err
		}
		spare = append(spare, c)
		port := c.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 {
			continue
		}
		if c2, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port + 1}); err == nil {
			spare = spare[:len(spare)-1]
			r.rtp, r.rtcp = c, c2
			return nil
		}
	}
	return errors.New("no even/odd port pair")
}

// Addr is the relay's RTP address, for the far end's SDP answer.
func (r *Relay) Addr() netip.AddrPort { return r.rtp.LocalAddr().(*net.UDPAddr).AddrPort() }

// Events is the record of direction d so far.
func (r *Relay) Events(d Direction) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.dirs[d].events...)
}

// DroppedBefore counts the packets of d dropped before the one with
// sequence number seq came (all of them when seq never came): the losses
// a receiver whose highest sequence number is seq can know of.
func (r *Relay) DroppedBefore(d Direction, seq uint16) (dropped, total int) {
	for _, e := range r.Events(d) {
		if e.Seq == seq && !e.Dropped {
			return dropped, total
		}
		total++
		if e.Dropped {
			dropped++
		}
	}
	return dropped, total
}

// Jitter is the true RFC 3550 interarrival jitter of what d forwarded.
func (r *Relay) Jitter(d Direction) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Duration(r.dirs[d].jitter / clockRate * float64(time.Second))
}

func (r *Relay) close() {
	_ = r.rtp.Close()
	_ = r.rtcp.Close()
	r.wg.Wait()
}

// serve relays one socket: RTP (kind 0) or RTCP (kind 1).
func (r *Relay) serve(c *net.UDPConn, kind int) {
	defer r.wg.Done()
	far := r.target
	if kind == 1 {
		far = netip.AddrPortFrom(r.target.Addr(), r.target.Port()+1)
	}
	buf := make([]byte, 2048)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		pkt := append([]byte(nil), buf[:n]...)
		r.mu.Lock()
		d, to := Out, far
		if from == far {
			d, to = In, r.caller[kind]
		} else {
			r.caller[kind] = from
		}
		if !to.IsValid() {
			r.mu.Unlock()
			continue
		}
		delay := r.dirs[d].imp.Delay
		if kind == 0 {
			var drop bool
			drop, delay = r.decide(d, pkt)
			if drop {
				r.mu.Unlock()
				continue
			}
		}
		r.wg.Add(1)
		r.mu.Unlock()
		time.AfterFunc(delay, func() {
			defer r.wg.Done()
			r.mu.Lock()
			defer r.mu.Unlock()
			if _, err := c.WriteToUDPAddrPort(pkt, to); err == nil && kind == 0 {
				r.sent(d, pkt, time.Now())
			}
		})
	}
}

// decide records an RTP packet of d and says whether to drop it and, if
// not, how long to hold it. The caller holds r.mu.
func (r *Relay) decide(d Direction, pkt []byte) (bool, time.Duration) {
	var h rtp.Header
	if _, err := h.Unmarshal(pkt); err != nil {
		return false, r.dirs[d].imp.Delay
	}
	dir := &r.dirs[d]
	dir.seen++
	drop := false
	if dir.seen > wholeFirst {
		// A seeded phase, then exactly Loss of the packets, spread evenly.
		dir.acc += dir.imp.Loss
		if dir.acc >= 1 {
			dir.acc--
			drop = true
		}
	}
	dir.events = append(dir.events, Event{Seq: h.SequenceNumber, Dropped: drop})
	delay := dir.imp.Delay
	if dir.imp.Jitter > 0 && dir.seen > wholeFirst {
		delay += time.Duration(dir.rng.Int64N(int64(dir.imp.Jitter)))
	}
	return drop, delay
}

// sent updates d's jitter truth (A.8) for a packet sent at at. The caller
// holds r.mu.
func (r *Relay) sent(d Direction, pkt []byte, at time.Time) {
	var h rtp.Header
	if _, err := h.Unmarshal(pkt); err != nil {
		return
	}
	dir := &r.dirs[d]
	if !dir.prevSend.IsZero() {
		diff := at.Sub(dir.prevSend).Seconds()*clockRate - float64(int32(h.Timestamp-dir.prevTS))
		dir.jitter += (math.Abs(diff) - dir.jitter) / 16
	}
	dir.prevSend, dir.prevTS = at, h.Timestamp
}
