package agent

import (
	"sync"
	"time"
)

// inFlight counts the probes running, and once closed admits no more: a
// drain waits for exactly the probes that started before it.
// (sync.WaitGroup forbids an Add racing a Wait at zero.)
type inFlight struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when closed and n reaches 0
}

func newInFlight() *inFlight { return &inFlight{idle: make(chan struct{})} }

// enter admits a probe; false once draining.
func (f *inFlight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

func (f *inFlight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n--; f.n == 0 && f.closed {
		close(f.idle)
	}
}

// drain admits no more probes and waits up to timeout for the running
// ones; it reports whether they all ended.
func (f *inFlight) drain(timeout time.Duration) bool {
	f.mu.Lock()
	if !f.closed {
		f.closed = true
		if f.n == 0 {
			close(f.idle)
		}
	}
	f.mu.Unlock()
	select {
	case <-f.idle:
		return true
	case <-time.After(timeout):
		return false
	}
}
