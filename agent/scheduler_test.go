package agent

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/scenarios"
)

func TestJitterBounds(t *testing.T) {
	const interval = 30 * time.Second
	for _, u := range []float64{0, 0.25, 0.5, 0.999999} {
		if d := firstDelay(interval, u); d < 0 || d > 3*time.Second {
			t.Errorf("firstDelay(%v) = %v, want 0 to 3s", u, d)
		}
		if d := nextDelay(interval, u); d < 27*time.Second || d > 33*time.Second {
			t.Errorf("nextDelay(%v) = %v, want 27s to 33s", u, d)
		}
	}
}

// A job whose probe takes longer than its interval runs back to back,
// never twice at once; every job keeps its own schedule.
func TestSchedulerNoOverlap(t *testing.T) {
	var mu sync.Mutex
	running := map[string]int{}
	runs := map[string]int{}
	var overlap atomic.Bool
	done := make(chan struct{})
	var once sync.Once
	jobs := []scenarios.Job{{Name: "a", Interval: time.Millisecond}, {Name: "b", Interval: time.Millisecond}}
	s := startScheduler(jobs, 1, func(j scenarios.Job) {
		mu.Lock()
		running[j.Name]++
		if running[j.Name] > 1 {
			overlap.Store(true)
		}
		runs[j.Name]++
		enough := runs["a"] >= 20 && runs["b"] >= 20
		mu.Unlock()
		time.Sleep(2 * time.Millisecond) // longer than the interval
		mu.Lock()
		running[j.Name]--
		mu.Unlock()
		if enough {
			once.Do(func() { close(done) })
		}
	})
	<-done
	s.stop()
	s.wait()
	if overlap.Load() {
		t.Error("a job overlapped itself")
	}
}
