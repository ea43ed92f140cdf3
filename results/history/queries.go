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
	// NotSent: the ban cool-down kept the probe from being sent
	// (results.NotSent); the status is the last known one, nothing was
	// checked, so the statistics leave it out.
	NotSent bool `json:"not_sent,omitempty"`
}

// Summary answers "how has this probe been doing" for one name, target
// and transport.
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
	Name string // one probe; "" for every probe with a result in the window
	// Children makes Name also match the results named Name/…: the
	// transports of a fanned-out entry (alive/udp) and the rows of an
	// account sweep (ENTRY/USER), as `run --only` accepts the entry's name.
	Children bool
	Since    time.Time // start of the window
	Recent   int       // how many recent results per probe (default 10)
}

// key is what one summary covers: results of one name against one target
// over one transport. A name alone is not enough: three sweeps of one
// accounts file (UDP, TCP, a dead port) or two scenario files naming a
// probe alike are different questions, and mixing them makes one row
// with a verdict that is true of none of them.
type key struct{ name, target, transport string }

// Summaries reports on each (name, target, transport), in that order. With
// Query.Name set and no such probe ever recorded it returns no summaries
// and no error.
func (s *Store) Summaries(ctx context.Context, q Query) ([]Summary, error) {
	if q.Recent <= 0 {
		q.Recent = 10
	}
	keys, err := s.keys(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(keys))
	for _, k := range keys {
		sum, err := s.summary(ctx, k, q)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", k.name, err)
		}
		out = append(out, sum)
	}
	return out, nil
}

func (s *Store) keys(ctx context.Context, q Query) ([]key, error) {
	var rows *sql.Rows
	var err error
	switch {
	case q.Name != "" && q.Children:
		// The names starting with "Name/" are those from "Name/" up to,
		// not including, "Name0" ('0' follows '/'), byte by byte. Not a
		// LIKE: it ignores ASCII case (--name Alive would list alive/udp)
		// and the index serves a range as well.
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT name, target, transport FROM results
			WHERE name = ? OR (name >= ? AND name < ?) ORDER BY name, target, transport`, q.Name, q.Name+"/", q.Name+"0")
	case q.Name != "":
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT name, target, transport FROM results
			WHERE name = ? ORDER BY name, target, transport`, q.Name)
	default:
		rows, err = s.db.QueryContext(ctx, `SELECT DISTINCT name, target, transport FROM results
			WHERE started_at >= ? ORDER BY name, target, transport`, q.Since.UnixNano())
	}
	if err != nil {
		return nil, fmt.Errorf("list probes: %w", err)
	}
	defer rows.Close()
	var keys []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.name, &k.target, &k.transport); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// byKey is the WHERE clause of one summary's results; its arguments are
// k.args().
const byKey = `name = ? AND target = ? AND transport = ?`

func (k key) args(more ...any) []any { return append([]any{k.name, k.target, k.transport}, more...) }

func (s *Store) summary(ctx context.Context, k key, q Query) (Summary, error) {
	sum := Summary{Name: k.name, Target: k.target, Transport: k.transport, Window: q.Since.UTC(), Recent: []Entry{}}
	var last int64
	var st string
	err := s.db.QueryRowContext(ctx, `SELECT probe, user, status, started_at
		FROM results WHERE `+byKey+` ORDER BY started_at DESC, id DESC LIMIT 1`, k.args()...).
		Scan(&sum.Probe, &sum.User, &st, &last)
	if err != nil {
		return sum, err
	}
	sum.Status, sum.LastAt = results.Status(st), fromNanos(last)
	if sum.StatusSince, sum.StatusChanged, err = s.statusSince(ctx, k, sum.Status); err != nil {
		return sum, err
	}
	entries, err := s.window(ctx, k, q.Since)
	if err != nil {
		return sum, err
	}
	samples := make([]Sample, len(entries))
	for i, e := range entries {
		samples[i] = Sample{Status: e.Status, FinalCode: e.FinalCode, Total: e.CheckMs, NotSent: e.NotSent}
	}
	sum.Stats = ComputeStats(samples)
	sum.Recent = entries[:min(q.Recent, len(entries))]
	return sum, nil
}

// statusSince finds the first result after the latest one whose status
// differs from current: the moment the current streak began.
func (s *Store) statusSince(ctx context.Context, k key, current results.Status) (time.Time, bool, error) {
	var lastOther sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(started_at) FROM results
		WHERE `+byKey+` AND status <> ?`, k.args(string(current))...).Scan(&lastOther); err != nil {
		return time.Time{}, false, err
	}
	after := int64(-1 << 63)
	if lastOther.Valid {
		after = lastOther.Int64
	}
	var first int64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(started_at) FROM results
		WHERE `+byKey+` AND started_at > ?`, k.args(after)...).Scan(&first); err != nil {
		return time.Time{}, false, err
	}
	return fromNanos(first), lastOther.Valid, nil
}

// window returns the results of k since the given time, newest first.
func (s *Store) window(ctx context.Context, k key, since time.Time) ([]Entry, error) {
	// A test call's check time is its setup (CheckTime), and whether a
	// result was sent at all (results.NotSent) is in the stored result
	// only.
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, started_at, status, final_code, diagnosis, total_ms,
			CASE WHEN probe = 'invite' THEN COALESCE(NULLIF(json_extract(result, '$.details.invite.setup_ms'), 0), total_ms) ELSE total_ms END,
			json_extract(result, '$.not_sent') IS NOT NULL
		FROM results WHERE `+byKey+` AND started_at >= ? ORDER BY started_at DESC, id DESC`, k.args(since.UnixNano())...)
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
		if err := rows.Scan(&e.RunID, &at, &st, &e.FinalCode, &e.Diagnosis, &total, &check, &e.NotSent); err != nil {
			return nil, err
		}
		e.StartedAt, e.Status, e.TotalMs, e.CheckMs = fromNanos(at), results.Status(st), results.Millis(total), results.Millis(check)
		out = append(out, e)
	}
	return out, rows.Err()
}

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
