package agent

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sipprobe/sipprobe/scenarios"
)

// jitterFraction bounds the jitter: a run starts up to 10% of its interval
// early or late, so probes configured alike do not hit a PBX in lockstep,
// and the first run of each comes within the first 10% of its interval.
const jitterFraction = 0.1

// scheduler runs each scheduled job on its own interval until stopped. A
// job's loop calls run and waits for it to return before it waits for the
// next run: a job never overlaps itself, however long a probe takes.
type scheduler struct {
	seed uint64
	run  func(scenarios.Job)
	ctx  context.Context

	mu     sync.Mutex // guards loops
	loops  map[string]*jobLoop
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// jobLoop is one job's schedule. A reload that keeps the job's interval
// swaps the job in place, so its next run stays when it was due.
type jobLoop struct {
	job      atomic.Pointer[scenarios.Job]
	interval time.Duration
	cancel   context.CancelFunc
}

// startScheduler starts one loop per job. The jitter of each job comes
// from a generator seeded with seed and the job's name: the same
// configuration and seed give the same schedule.
func startScheduler(jobs []scenarios.Job, seed uint64, run func(scenarios.Job)) *scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &scheduler{seed: seed, run: run, ctx: ctx, cancel: cancel, loops: map[string]*jobLoop{}}
	s.update(jobs)
	return s
}

// update makes jobs the schedule. A job of the same name and interval
// keeps its loop and next run time and takes the new configuration at
// its next run; a new job or a new interval starts a fresh loop (its
// first run within the first tenth of the interval); a job that is gone
// stops. So a reload neither re-runs every probe at once nor postpones
// them all.
func (s *scheduler) update(jobs []scenarios.Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		keep[j.Name] = true
		if l, ok := s.loops[j.Name]; ok && l.interval == j.Interval {
			l.job.Store(&j)
			continue
		} else if ok {
			l.cancel()
		}
		ctx, cancel := context.WithCancel(s.ctx)
		l := &jobLoop{interval: j.Interval, cancel: cancel}
		l.job.Store(&j)
		s.loops[j.Name] = l
		rng := rand.New(rand.NewPCG(s.seed, nameHash(j.Name)))
		s.wg.Go(func() { s.loop(ctx, l, rng) })
	}
	for name, l := range s.loops {
		if !keep[name] {
			l.cancel()
			delete(s.loops, name)
		}
	}
}

// stop ends the scheduling; runs in flight go on (stop does not wait for
// them; wait does).
func (s *scheduler) stop() { s.cancel() }

// wait returns when every loop has ended, in-flight runs included.
func (s *scheduler) wait() { s.wg.Wait() }

func (s *scheduler) loop(ctx context.Context, l *jobLoop, rng *rand.Rand) {
	wait := firstDelay(l.interval, rng.Float64())
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		s.run(*l.job.Load())
		// Interval from start to start; a probe longer than its interval
		// is followed at once by the next, never overlapped.
		wait = max(0, nextDelay(l.interval, rng.Float64())-time.Since(start))
	}
}

// firstDelay spreads the first runs over the first tenth of the interval;
// u is uniform in [0, 1).
func firstDelay(interval time.Duration, u float64) time.Duration {
	return time.Duration(u * jitterFraction * float64(interval))
}

// nextDelay is the interval plus or minus up to a tenth of it; u is
// uniform in [0, 1).
func nextDelay(interval time.Duration, u float64) time.Duration {
	return interval + time.Duration((2*u-1)*jitterFraction*float64(interval))
}

func nameHash(name string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return h.Sum64()
}
