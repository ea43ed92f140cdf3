package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// resetPeakRSS asks Linux to restart this process's peak-RSS counter
// (VmHWM), so each repetition measures its own peak and not the largest
// so far. Writing "5" to clear_refs does that since Linux 4.0; it reports
// false where that is not possible, and the peak is then cumulative.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is this process's peak resident set (VmHWM) in bytes, 0 if unknown.
func peakRSS() int64 { return procStatusBytes("VmHWM:") }

// procStatusBytes reads a "kB" field of /proc/self/status in bytes, 0 if
// unknown.
func procStatusBytes(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
