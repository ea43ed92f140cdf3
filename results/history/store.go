// Package history keeps every probe result in an embedded SQLite database
// (pure Go, no cgo) so that sipprobe can answer "since when has this been
// failing", stay ban-safe across cron runs, and print only changes.
//
// Several processes may use one file at once (two cron runs that overlap):
// the database runs in WAL mode, writers take the lock up front (BEGIN
// IMMEDIATE) and wait for each other up to a busy timeout.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is an open history database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Open opens (creating if needed, unless MustExist) the history at path,
// brings its schema up to date and applies the retention option.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := newConfig(opts)
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, path, err)
	}
	if cfg.mustExist {
		if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNotFound, abs)
		}
	} else if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		// 0700: results name accounts and servers; other users need not see them.
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, abs, err)
	}
	db, err := sql.Open("sqlite", dsn(abs, cfg.busyTimeout))
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrOpen, abs, err)
	}
	s := &Store{db: db, path: abs, now: cfg.now}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.busyTimeout+5*time.Second)
	defer cancel()
	if err := s.prepareRetrying(ctx, cfg); err != nil {
		_ = db.Close()
		return nil, classify(abs, err)
	}
	return s, nil
}

// prepareRetrying retries prepare while another process holds the file
// busy, until the busy timeout. Switching a new file to WAL mode fails
// with SQLITE_BUSY at once, without waiting in the busy handler, when a
// second process opens the same file at that moment (two cron runs that
// start together); a moment later the switch is done and the open works.
func (s *Store) prepareRetrying(ctx context.Context, cfg config) error {
	deadline := time.Now().Add(cfg.busyTimeout)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := s.prepare(ctx, cfg)
		if err == nil || !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY (or one of its extended codes).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func (s *Store) prepare(ctx context.Context, cfg config) error {
	// The first statement is where SQLite reads the header: a file that is
	// not a database fails here, inside Open, not at the first Save.
	if err := s.db.PingContext(ctx); err != nil {
		return err
	}
	if err := migrate(ctx, s.db); err != nil {
		return err
	}
	if cfg.retention > 0 {
		if _, err := s.Prune(ctx, s.now().Add(-cfg.retention)); err != nil {
			return err
		}
	}
	return nil
}

// dsn builds the modernc.org/sqlite data source name. The path goes in a
// file: URI so that '?' or '#' in a directory name cannot be mistaken for
// parameters.
func dsn(abs string, busy time.Duration) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := url.Values{}
	// busy_timeout first (the driver applies it before the other pragmas):
	// switching to WAL needs a lock another process may hold.
	q.Set("_busy_timeout", strconv.FormatInt(busy.Milliseconds(), 10))
	q.Set("_journal_mode", "WAL")
	// NORMAL is durable across application crashes in WAL mode; only a power
	// cut may lose the last run, which is an acceptable price for a history.
	q.Set("_synchronous", "NORMAL")
	// BEGIN IMMEDIATE: a deferred transaction that later wants to write can
	// fail with SQLITE_BUSY at once, whatever the busy timeout says.
	q.Set("_txlock", "immediate")
	return u.String() + "?" + q.Encode()
}

// classify turns a driver error into one of our sentinels, keeping the
// driver's text for the person reading it.
func classify(path string, err error) error {
	if errors.Is(err, ErrSchemaTooNew) {
		return fmt.Errorf("%s: %w", path, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
		}
	}
	return fmt.Errorf("%w %s: %v", ErrOpen, path, err)
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// Prune deletes results that started before cutoff and reports how many.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM results WHERE started_at < ?`, cutoff.UnixNano())
	if err != nil {
		return 0, fmt.Errorf("prune history: %w", err)
	}
	return res.RowsAffected()
}
