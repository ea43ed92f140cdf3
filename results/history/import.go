package history

import (
	"context"
	"fmt"

	"github.com/sipprobe/sipprobe/results"
)

// importPrefix starts the run id of imported results. They are for the
// reports (`sipprobe history`), not for ban safety: another machine's
// refused logins do not get this one banned (fail2ban bans the client's
// address), so RejectedRecently and ServerLogins skip them; nor for
// --notify-on-change, which compares with this machine's last run
// (LastStatus).
const importPrefix = "import-"

// Import records results that the history does not hold yet, in one
// transaction, under the run id "import-" + id, and returns how many it
// added. A result is already held when one with the same name, probe,
// target and start time is: so importing the same JSON Lines twice (or a
// shard's file after its agent kept its own history) adds nothing twice.
func (s *Store) Import(ctx context.Context, id string, rs []results.Result) (added int, err error) {
	runID := importPrefix + id
	if len(rs) == 0 {
		return 0, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, r := range rs {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM results
			WHERE name = ? AND started_at = ? AND probe = ? AND target = ?`,
			NameOf(r), r.StartedAt.UTC().UnixNano(), r.Probe, r.Target).Scan(&one)
		if err != nil {
			return 0, fmt.Errorf("import %s: %w", NameOf(r), err)
		}
		if one > 0 {
			continue
		}
		if err := save(ctx, tx, runID, r); err != nil {
			return 0, err
		}
		added++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("import: %w", err)
	}
	return added, nil
}
