package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

// LastStatus returns the status of the latest result filed under name; ok is
// false when there is none. The runner calls it before saving a run's
// results, so "latest" is the previous run (--notify-on-change). Imported
// results (import.go) do not count: a change is one from this machine's
// last run.
func (s *Store) LastStatus(ctx context.Context, name string) (results.Status, bool, error) {
	var st string
	err := s.db.QueryRowContext(ctx, `SELECT status FROM results WHERE name = ? AND run_id NOT LIKE 'import-%'
		ORDER BY started_at DESC, id DESC LIMIT 1`, name).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("last status of %s: %w", name, err)
	}
	return results.Status(st), true, nil
}

// RejectedRecently reports whether the server refused the credentials of
// account ("user@TARGET", normalised as AccountKey does) at or after since, and has not accepted them
// since then, and when that refusal's probe started (the cool-down runs
// from it). Only results that say something about the credentials count:
// a timeout in between neither clears nor renews a rejection, while a
// successful registration after the password was fixed clears it, so a
// fixed account is not held back for the whole cool-down. Imported
// results (import.go) do not count.
func (s *Store) RejectedRecently(ctx context.Context, account string, since time.Time) (time.Time, bool, error) {
	if account == "" {
		return time.Time{}, false, nil
	}
	var verdict string
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT credentials, started_at FROM results
		WHERE account = ? AND started_at >= ? AND credentials <> '' AND run_id NOT LIKE 'import-%'
		ORDER BY started_at DESC, id DESC LIMIT 1`, normalizeAccount(account), since.UnixNano()).Scan(&verdict, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("credential history of %s: %w", account, err)
	}
	if verdict != credRejected {
		return time.Time{}, false, nil
	}
	return time.Unix(0, at).UTC(), true, nil
}

// likeEscape quotes LIKE's wildcards (and its escape character) in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// Entry is one stored result, as `sipprobe history` lists it.
type Entry struct {
	RunID     string         `json:"run_id"`
	StartedAt time.Time      `json:"started_at"`
	Status    results.Status `json:"status"`
	FinalCode int            `json:"final_code"`
	Diagnosis string         `json:"diagnosis"`
	TotalMs   results.Millis `json:"total_ms"`
	// CheckMs is the time the verdict is about (results.Result.CheckTime):
	// a test call's setup (its INVITE to the final response), without the
	// hold and the teardown; the total otherwise.
	CheckMs results.Millis `json:"check_ms"`
}

// Summary answers "how has this probe been doing" for one name.
type Summary struct {
	Name      string `json:"name"`
	Probe     string `json:"probe"`
	Target    string `json:"target"`
	Transport string `json:"transport"`
	User      string `json:"user,omitempty"`
	// Status is the latest result's, however old; LastAt is when it ran.
	Status results.Status `json:"status"`
	LastAt time.Time      `json:"last_at"`
	// StatusSince is when the status last changed: the first result of the
	// current streak. StatusChanged is false when every retained result has
	// this status, so StatusSince is only "at least since".
	StatusSince   time.Time `json:"status_since"`
	StatusChanged bool      `json:"status_changed"`
	// Window is the start of the period Stats and Recent cover.
	Window time.Time `json:"window_start"`
	Stats
	Recent []Entry `json:"recent"`
}

// Query selects what Summaries reports.
type Query struct {
	Name   string    // one probe; "" for every probe with a result in the window
	Since  time.Time // start of the window
	Recent int       // how many recent results per probe (default 10)
}

// Summaries reports on each probe, in name order. With Query.Name set and no
// such probe ever recorded it returns no summaries and no error.
func (s *Store) Summaries(ctx context.Context, q Query) ([]Summary, error) {
	if q.Recent <= 0 {
		q.Recent = 10
	}
	names, err := s.names(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(names))
	for _, n := range names {
		sum, err := s.summary(ctx, n, q)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", n, err)
		}
		out = append(out, sum)
	}
	return out, nil
}

func (s *Store) names(ctx context.Context, q Query) ([]string, error) {
	var rows *sql.Rows
	var err error
	if q.Name != "" {
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT name FROM results WHERE name = ?`, q.Name)
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT name FROM results WHERE started_at >= ? ORDER BY name`, q.Since.UnixNano())
	}
	if err != nil {
		return nil, fmt.Errorf("list probes: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

func (s *Store) summary(ctx context.Context, name string, q Query) (Summary, error) {
	sum := Summary{Name: name, Window: q.Since.UTC(), Recent: []Entry{}}
	var last int64
	var st string
	err := s.db.QueryRowContext(ctx, `SELECT probe, target, transport, user, status, started_at
		FROM results WHERE name = ? ORDER BY started_at DESC, id DESC LIMIT 1`, name).
		Scan(&sum.Probe, &sum.Target, &sum.Transport, &sum.User, &st, &last)
	if err != nil {
		return sum, err
	}
	sum.Status, sum.LastAt = results.Status(st), fromNanos(last)
	if sum.StatusSince, sum.StatusChanged, err = s.statusSince(ctx, name, sum.Status); err != nil {
		return sum, err
	}
	entries, err := s.window(ctx, name, q.Since)
	if err != nil {
		return sum, err
	}
	samples := make([]Sample, len(entries))
	for i, e := range entries {
		samples[i] = Sample{Status: e.Status, FinalCode: e.FinalCode, Total: e.CheckMs}
	}
	sum.Stats = ComputeStats(samples)
	sum.Recent = entries[:min(q.Recent, len(entries))]
	return sum, nil
}

// statusSince finds the first result after the latest one whose status
// differs from current: the moment the current streak began.
func (s *Store) statusSince(ctx context.Context, name string, current results.Status) (time.Time, bool, error) {
	var lastOther sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(started_at) FROM results
		WHERE name = ? AND status <> ?`, name, string(current)).Scan(&lastOther); err != nil {
		return time.Time{}, false, err
	}
	after := int64(-1 << 63)
	if lastOther.Valid {
		after = lastOther.Int64
	}
	var first int64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(started_at) FROM results
		WHERE name = ? AND started_at > ?`, name, after).Scan(&first); err != nil {
		return time.Time{}, false, err
	}
	return fromNanos(first), lastOther.Valid, nil
}

// window returns the results of name since the given time, newest first.
func (s *Store) window(ctx context.Context, name string, since time.Time) ([]Entry, error) {
	// A test call's check time is its setup (CheckTime); the history has
	// it in the stored result only.
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, started_at, status, final_code, diagnosis, total_ms,
			CASE WHEN probe = 'invite' THEN COALESCE(NULLIF(json_extract(result, '$.details.invite.setup_ms'), 0), total_ms) ELSE total_ms END
		FROM results WHERE name = ? AND started_at >= ? ORDER BY started_at DESC, id DESC`, name, since.UnixNano())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		var st string
		var total, check float64
		if err := rows.Scan(&e.RunID, &at, &st, &e.FinalCode, &e.Diagnosis, &total, &check); err != nil {
			return nil, err
		}
		e.StartedAt, e.Status, e.TotalMs, e.CheckMs = fromNanos(at), results.Status(st), results.Millis(total), results.Millis(check)
		out = append(out, e)
	}
	return out, rows.Err()
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
