package history

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// TestBatcher: results wait in the batch until it is full, a second old,
// or flushed; then all of them are in the store, none twice.
func TestBatcher(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		size      int
		every     time.Duration
		saves     int
		storedNow int // before Flush
	}{
		{name: "full batches written, the rest waits", size: 4, every: time.Hour, saves: 10, storedNow: 8},
		{name: "an old batch is written at the next save", size: 100, every: 0, saves: 3, storedNow: 3},
		{name: "nothing written before flush", size: 100, every: time.Hour, saves: 5, storedNow: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			b := NewBatcher(s, tc.size, tc.every)
			for i := range tc.saves {
				if err := b.Save(ctx, "run1", res(fmt.Sprintf("sweep/%d", i), t0, results.StatusOK, 200, "ok", 1)); err != nil {
					t.Fatal(err)
				}
			}
			stored := func() int {
				n := 0
				for i := range tc.saves {
					if _, ok, err := s.LastStatus(ctx, fmt.Sprintf("sweep/%d", i)); err != nil {
						t.Fatal(err)
					} else if ok {
						n++
					}
				}
				return n
			}
			if got := stored(); got != tc.storedNow {
				t.Errorf("%d stored before Flush, want %d", got, tc.storedNow)
			}
			if err := b.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if got := stored(); got != tc.saves {
				t.Errorf("%d stored after Flush, want %d", got, tc.saves)
			}
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results`).Scan(&n); err != nil || n != tc.saves {
				t.Errorf("%d rows (%v), want %d", n, err, tc.saves)
			}
		})
	}
}
