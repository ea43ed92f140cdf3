package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/sipprobe/sipprobe/results"
)

// Save records one result of run runID.
//
// The transcript (Messages) is not stored. It is most of a result's size
// (kilobytes per probe, thousands of probes per sweep, every few minutes from
// cron), nothing in the history reads it, and it is the one field that can
// hold a secret: with --show-secrets the digest response= values are in it,
// and a digest response allows an offline attack on the password. Leaving it
// out means the history never holds a secret whatever flags a run used. The
// transcript of a failure belongs in that run's own output (text --trace,
// JSON, JUnit), which the user chose to keep.
func (s *Store) Save(ctx context.Context, runID string, r results.Result) error {
	return save(ctx, s.db, runID, r)
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func save(ctx context.Context, db execer, runID string, r results.Result) error {
	r.Messages = nil
	blob, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save %s: %w", NameOf(r), err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO results
		(run_id, name, probe, target, transport, user, account, started_at,
		 status, final_code, diagnosis, total_ms, credentials, result)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, NameOf(r), r.Probe, r.Target, r.Transport, r.User, AccountKey(r.Target, r.User),
		r.StartedAt.UTC().UnixNano(), string(r.Status), r.FinalCode, r.Diagnosis.ID,
		float64(r.Timings.Total), credentialsVerdict(r), string(blob))
	if err != nil {
		return fmt.Errorf("save %s: %w", NameOf(r), err)
	}
	return nil
}
