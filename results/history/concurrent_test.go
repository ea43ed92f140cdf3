package history

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// TestConcurrentWriters is two overlapping cron runs: two Store instances
// (two connections pools, as two processes would have) opened on the same
// new file at once, each saving many results from several goroutines.
// Every row must land and nobody may see SQLITE_BUSY.
func TestConcurrentWriters(t *testing.T) {
	p := filepath.Join(t.TempDir(), "shared.db")
	const writers, goroutines, each = 2, 4, 50
	stores := make([]*Store, writers)
	var wg sync.WaitGroup
	errs := make(chan error, writers*goroutines*each+writers)
	for i := range stores {
		wg.Go(func() {
			s, err := Open(p)
			if err != nil {
				errs <- err
				return
			}
			stores[i] = s
		})
	}
	wg.Wait()
	for _, s := range stores {
		if s == nil {
			t.Fatal(<-errs)
		}
		defer s.Close()
	}
	for w, s := range stores {
		for g := range goroutines {
			wg.Go(func() {
				for k := range each {
					r := res(fmt.Sprintf("p-%d-%d", w, g), t0.Add(time.Duration(k)*time.Second), results.StatusOK, 200, "ok", 1)
					if err := s.Save(context.Background(), fmt.Sprintf("run-%d", w), r); err != nil {
						errs <- err
					}
					if _, _, err := s.LastStatus(context.Background(), r.Name); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	if err := stores[0].db.QueryRow("SELECT COUNT(*) FROM results").Scan(&n); err != nil || n != writers*goroutines*each {
		t.Fatalf("rows = %d, %v; want %d", n, err, writers*goroutines*each)
	}
}
