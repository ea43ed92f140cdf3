package scenarios

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// slowFirst answers later targets sooner, so completion order is the
// reverse of the file's.
func slowFirst(n int) Prober {
	return func(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result {
		var i int
		fmt.Sscanf(cfg.Target, "h%d", &i)
		select {
		case <-time.After(time.Duration(n-i) * 3 * time.Millisecond):
		case <-ctx.Done():
		}
		return results.Result{Probe: string(kind), Target: cfg.Target, Transport: cfg.Transport, Status: results.StatusOK, FinalCode: 200}
	}
}

// TestRunnerFileOrder: results come out in the file's order, fan-out in
// declared order and repeats in order, whatever order they finish in.
func TestRunnerFileOrder(t *testing.T) {
	doc := `
[[probe]]
name = "a"
kind = "options"
server = "h0"
[[probe]]
name = "fan"
kind = "options"
server = "h1"
transports = ["tls", "udp", "tcp"]
repeat = 2
interval = "0s"
[[probe]]
name = "b"
kind = "options"
server = "h2"
`
	f, err := Parse("o.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var js []Job
	for j := range f.Jobs() {
		js = append(js, j)
	}
	for i := range 12 {
		js = append(js, Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: fmt.Sprint("h", 3+i)}})
	}
	want := []string{"a", "fan/tls", "fan/tls", "fan/udp", "fan/udp", "fan/tcp", "fan/tcp", "b"}
	for i := range 12 {
		want = append(want, fmt.Sprint("o", i))
	}
	for _, parallel := range []int{1, 4, 16} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			got, sum := collect(t, NewRunner(WithParallel(parallel), WithRateLimit(0), WithProber(slowFirst(len(js)))), context.Background(), jobsOf(js...))
			var names []string
			for _, r := range got {
				names = append(names, r.Name)
			}
			if !slices.Equal(names, want) {
				t.Errorf("order %v\nwant  %v", names, want)
			}
			if sum.Total != len(want) {
				t.Errorf("total %d", sum.Total)
			}
		})
	}
}

// TestRunnerReorderWindow: while a slow first probe holds back the results
// after it, the runner starts no more than reorderWindow jobs; every result
// still comes out, in order. (If the window were missing, the fast jobs
// would race past it at once; if it works, a timer releases the slow probe.)
func TestRunnerReorderWindow(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	timer := time.AfterFunc(200*time.Millisecond, free)
	defer timer.Stop()
	var past atomic.Bool
	prober := func(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result {
		if cfg.Target == "slow" {
			<-release
		}
		return results.Result{Status: results.StatusOK, FinalCode: 200}
	}
	n := reorderWindow * 3
	jobs := func(yield func(Job) bool) {
		for i := range n {
			target := "fast"
			if i == 0 {
				target = "slow"
			}
			// Job reorderWindow is the first one the feeder must wait for
			// (it holds it until a token frees); asking for the next one
			// means it started it.
			if i == reorderWindow+1 && !past.Load() {
				select {
				case <-release:
				default:
					past.Store(true)
					free()
				}
			}
			if !yield(Job{Name: fmt.Sprint("o", i), Kind: probe.KindOptions, Repeat: 1, Config: probe.Config{Target: target}}) {
				return
			}
		}
	}
	got, _ := collect(t, NewRunner(WithParallel(4), WithRateLimit(0), WithProber(prober)), context.Background(), jobs)
	if past.Load() {
		t.Errorf("the runner started more than %d jobs past a slow first probe", reorderWindow)
	}
	if len(got) != n {
		t.Fatalf("%d results, want %d", len(got), n)
	}
	for i, r := range got {
		if r.Name != fmt.Sprint("o", i) {
			t.Fatalf("result %d is %s", i, r.Name)
		}
	}
}
