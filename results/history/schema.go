package history

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations returns the schema steps in order; step i brings the file from
// user_version i to i+1. Steps are only ever appended: a released step is
// never edited, so every older file upgrades the same way.
func migrations() []string {
	return []string{
		// v1: one row per probe result. The columns are what the queries
		// filter and aggregate on; the rest of the result is kept as JSON
		// (without the transcript, see save.go) so nothing is lost for
		// later features.
		`CREATE TABLE results (
			id          INTEGER PRIMARY KEY,
			run_id      TEXT    NOT NULL,
			name        TEXT    NOT NULL,
			probe       TEXT    NOT NULL,
			target      TEXT    NOT NULL,
			transport   TEXT    NOT NULL,
			user        TEXT    NOT NULL,
			account     TEXT    NOT NULL, -- AccountKey(target, user); '' without a user
			started_at  INTEGER NOT NULL, -- Unix nanoseconds, UTC
			status      TEXT    NOT NULL,
			final_code  INTEGER NOT NULL,
			diagnosis   TEXT    NOT NULL,
			total_ms    REAL    NOT NULL,
			credentials TEXT    NOT NULL, -- 'rejected', 'accepted' or ''
			result      TEXT    NOT NULL
		);
		CREATE INDEX results_name_time ON results(name, started_at);
		CREATE INDEX results_account_time ON results(account, started_at);
		CREATE INDEX results_time ON results(started_at);`,
	}
}

// migrate brings the schema up to date inside one IMMEDIATE transaction (the
// DSN sets _txlock=immediate), so two processes opening a fresh file at the
// same moment do not both create the tables: the second waits on the write
// lock, then sees the new user_version and does nothing.
func migrate(ctx context.Context, db *sql.DB) error {
	steps := migrations()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > len(steps) {
		return fmt.Errorf("%w (schema version %d, this build knows %d)", ErrSchemaTooNew, v, len(steps))
	}
	for i := v; i < len(steps); i++ {
		if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
			return fmt.Errorf("schema step %d: %w", i+1, err)
		}
	}
	if v == len(steps) {
		return nil
	}
	// PRAGMA takes no bind parameters; the value is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(steps))); err != nil {
		return err
	}
	return tx.Commit()
}
