package history

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// SaveBatch records results of run runID in one transaction: a sweep of
// thousands of accounts pays for one commit per batch, not per result.
func (s *Store) SaveBatch(ctx context.Context, runID string, rs []results.Result) error {
	if len(rs) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save batch: %w", err)
	}
	for _, r := range rs {
		if err := save(ctx, tx, runID, r); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save batch: %w", err)
	}
	return nil
}

// Batcher is a Store whose Save collects results and writes them in one
// transaction every size results, or at the first Save a second (every)
// after the batch began, and at Flush. The queries go to the store as
// they are; results of the current batch are not in them yet, which is
// fine for a sweep: its rows name distinct accounts, and the in-run ban
// rules do not depend on the history.
type Batcher struct {
	*Store
	size  int
	every time.Duration

	mu    sync.Mutex
	runID string
	buf   []results.Result
	since time.Time
}

// NewBatcher batches Saves to s.
func NewBatcher(s *Store, size int, every time.Duration) *Batcher {
	return &Batcher{Store: s, size: max(1, size), every: every}
}

// Save adds r to the batch, writing the batch when it is full or old.
func (b *Batcher) Save(ctx context.Context, runID string, r results.Result) error {
	r.Messages = nil // never stored; do not hold it meanwhile
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.runID != runID && len(b.buf) > 0 {
		if err := b.flushLocked(ctx); err != nil {
			return err
		}
	}
	if len(b.buf) == 0 {
		b.since = b.now()
	}
	b.runID = runID
	b.buf = append(b.buf, r)
	if len(b.buf) >= b.size || b.now().Sub(b.since) >= b.every {
		return b.flushLocked(ctx)
	}
	return nil
}

// Flush writes what is batched.
func (b *Batcher) Flush(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked(ctx)
}

func (b *Batcher) flushLocked(ctx context.Context) error {
	err := b.Store.SaveBatch(ctx, b.runID, b.buf)
	clear(b.buf)
	b.buf = b.buf[:0]
	return err
}
