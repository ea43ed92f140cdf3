package history

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// t0 is a fixed instant so the tests never depend on the wall clock.
var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func openTemp(t *testing.T, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "h.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// res builds a register result for user 120 on pbx.test.
func res(name string, at time.Time, st results.Status, code int, diag string, totalMs float64) results.Result {
	return results.Result{
		Name: name, Probe: "register", Target: "sip:pbx.test", Transport: "udp", User: "120",
		StartedAt: at, Status: st, FinalCode: code, Diagnosis: catalog.Diagnosis{ID: diag},
		Timings: results.Timings{Total: results.Millis(totalMs)},
	}
}

func mustSave(t *testing.T, s *Store, run string, rs ...results.Result) {
	t.Helper()
	for _, r := range rs {
		if err := s.Save(context.Background(), run, r); err != nil {
			t.Fatal(err)
		}
	}
}
