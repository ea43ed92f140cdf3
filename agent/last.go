package agent

import (
	"sync"

	"github.com/sipprobe/sipprobe/results"
)

// lastResults keeps, per scheduled probe, its latest result and its
// latest failure with a transcript (for /probe/NAME/last and the status page): two results
// per probe, whatever the agent's uptime.
type lastResults struct {
	mu      sync.Mutex
	latest  map[string]results.Result
	failure map[string]results.Result
	// sent is the latest result that was sent (not results.NotSent): the
	// values a made-up result keeps on the gauges (notsent.go).
	sent map[string]results.Result
}

func newLastResults() *lastResults {
	return &lastResults{latest: map[string]results.Result{}, failure: map[string]results.Result{}, sent: map[string]results.Result{}}
}

func (l *lastResults) put(r results.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.latest[r.Name] = r
	if r.NotSent == nil {
		l.sent[r.Name] = r
	}
	if r.Status == results.StatusOK {
		return
	}
	// A result sipprobe made up without sending (skipped for ban safety)
	// has no ladder; the refusal that caused it, which has, stays the one
	// /probe/NAME/last shows.
	if prev, ok := l.failure[r.Name]; ok && len(r.Messages) == 0 && len(prev.Messages) > 0 {
		return
	}
	l.failure[r.Name] = r
}

func (l *lastResults) forget(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.latest, name)
	delete(l.failure, name)
	delete(l.sent, name)
}

// lastSent returns the latest result of name that was sent.
func (l *lastResults) lastSent(name string) (results.Result, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.sent[name]
	return r, ok
}

// get returns the latest result of name and its latest failure.
func (l *lastResults) get(name string) (latest, failure results.Result, hasLatest, hasFailure bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	latest, hasLatest = l.latest[name]
	failure, hasFailure = l.failure[name]
	return
}
