package agent

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"sync"
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
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startScheduler starts one loop per job. The jitter of each job comes
// from a generator seeded with seed and the job's name: the same
// configuration and seed give the same schedule.
func startScheduler(jobs []scenarios.Job, seed uint64, run func(scenarios.Job)) *scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	s := &scheduler{cancel: cancel}
	for _, j := range jobs {
		rng := rand.New(rand.NewPCG(seed, nameHash(j.Name)))
		s.wg.Go(func() { s.loop(ctx, j, rng, run) })
	}
	return s
}

// stop ends the scheduling; runs in flight go on (stop does not wait for
// them; wait does).
func (s *scheduler) stop() { s.cancel() }

// wait returns when every loop has ended, in-flight runs included.
func (s *scheduler) wait() { s.wg.Wait() }

func (s *scheduler) loop(ctx context.Context, j scenarios.Job, rng *rand.Rand, run func(scenarios.Job)) {
	wait := firstDelay(j.Interval, rng.Float64())
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		start := time.Now()
		run(j)
		// Interval from start to start; a probe longer than its interval
		// is followed at once by the next, never overlapped.
		wait = max(0, nextDelay(j.Interval, rng.Float64())-time.Since(start))
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
