package probe

import (
	"os"
	"runtime"
	"testing"
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
