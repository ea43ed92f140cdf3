package history

import "errors"

// Sentinel errors; callers match them with errors.Is. The CLI turns every
// one of them into exit 3 (UNKNOWN): sipprobe could not use its history.
var (
	// ErrOpen wraps any failure to open or prepare the database file
	// (permissions, a directory in the way, a locked file past busy_timeout).
	ErrOpen = errors.New("cannot open the results history")
	// ErrCorrupt means the file exists but is not a usable SQLite database.
	ErrCorrupt = errors.New("the results history file is not a valid database")
	// ErrSchemaTooNew means a newer sipprobe wrote the file; we refuse to
	// guess at its layout rather than damage it.
	ErrSchemaTooNew = errors.New("the results history was written by a newer sipprobe")
	// ErrNotFound means OpenExisting found no file at the path.
	ErrNotFound = errors.New("no results history yet")
	// ErrBadSince marks a --since value ParseSince cannot read.
	ErrBadSince = errors.New("want a duration like 90m, 24h, 7d or 2w, or a time like 2026-11-21 or 2026-11-21T10:00:00Z")
)
