package probe

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func countGoroutines() int { return runtime.NumGoroutine() }

func countFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// assertNoLeaks runs probes twice and fails when the second run left more
// goroutines or open file descriptors than the first (which warms up what
// sipgo and the runtime start lazily).
func assertNoLeaks(t *testing.T, probes func()) {
	t.Helper()
	probes()
	g0, fd0 := settle(t)
	probes()
	g1, fd1 := settle(t)
	if g1 > g0 {
		t.Errorf("goroutines: %d before, %d after", g0, g1)
	}
	if fd1 > fd0 {
		t.Errorf("open fds: %d before, %d after", fd0, fd1)
	}
}

func settle(t *testing.T) (goroutines, fds int) {
	t.Helper()
	var g int
	for i := 0; i < 50; i++ {
		g = countGoroutines()
		time.Sleep(20 * time.Millisecond)
		if countGoroutines() == g {
			break
		}
	}
	return g, countFDs(t)
}
