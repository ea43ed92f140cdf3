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

// A reload keeps the next run of a job whose interval did not change (it
// used to restart every loop, so every probe ran again at once) and gives
// it the new configuration; a new interval restarts that job's loop; a
// removed job stops.
func TestSchedulerUpdateKeepsTiming(t *testing.T) {
	type run struct {
		at     time.Time
		repeat int
	}
	var mu sync.Mutex
	runs := map[string][]run{}
	first := make(chan struct{}, 8)
	keptAgain, retimed := make(chan struct{}, 1), make(chan struct{}, 1)
	s := startScheduler([]scenarios.Job{
		{Name: "kept", Interval: time.Second, Repeat: 1},
		{Name: "retimed", Interval: time.Hour, Repeat: 1},
		{Name: "gone", Interval: time.Second, Repeat: 1},
	}, 7, func(j scenarios.Job) {
		mu.Lock()
		runs[j.Name] = append(runs[j.Name], run{time.Now(), j.Repeat})
		n := len(runs[j.Name])
		mu.Unlock()
		if j.Name == "kept" && n == 1 {
			first <- struct{}{}
		}
		if j.Name == "kept" && n == 2 {
			keptAgain <- struct{}{}
		}
		if j.Name == "retimed" && j.Interval == 50*time.Millisecond {
			select {
			case retimed <- struct{}{}:
			default:
			}
		}
	})
	defer func() { s.stop(); s.wait() }()
	<-first
	updated := time.Now()
	s.update([]scenarios.Job{
		{Name: "kept", Interval: time.Second, Repeat: 2},
		{Name: "retimed", Interval: 50 * time.Millisecond, Repeat: 2},
	})
	<-keptAgain
	<-retimed
	s.stop()
	s.wait()
	mu.Lock()
	defer mu.Unlock()
	kept := runs["kept"]
	if len(kept) < 2 {
		t.Fatalf("kept ran %d times", len(kept))
	}
	if gap := kept[1].at.Sub(kept[0].at); gap < 800*time.Millisecond {
		t.Errorf("kept ran again %v after its first run: the reload restarted its schedule", gap)
	}
	if kept[1].repeat != 2 {
		t.Errorf("kept's next run used repeat=%d, want the reloaded 2", kept[1].repeat)
	}
	for _, r := range runs["gone"] {
		if r.at.After(updated.Add(10 * time.Millisecond)) {
			t.Errorf("gone ran at +%v after it was removed", r.at.Sub(updated))
		}
	}
}
