package history

import "time"

// DefaultRetention is what a caller should pass to WithRetention when the
// user did not choose: a quarter of history answers "since when" for any
// outage worth asking about, and keeps a minutely cron's file small.
const DefaultRetention = 90 * 24 * time.Hour

// DefaultBusyTimeout is how long a writer waits for another process's
// transaction (an overlapping cron run) before giving up.
const DefaultBusyTimeout = 10 * time.Second

// Option tunes Open.
type Option func(*config)

type config struct {
	retention   time.Duration
	busyTimeout time.Duration
	now         func() time.Time
	mustExist   bool
}

func newConfig(opts []Option) config {
	c := config{busyTimeout: DefaultBusyTimeout, now: time.Now}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithRetention prunes results older than d when the store opens. Zero or
// negative keeps everything (the default: a reader such as `sipprobe history`
// should not delete what the writer's policy may still want).
func WithRetention(d time.Duration) Option { return func(c *config) { c.retention = d } }

// WithBusyTimeout sets how long to wait for a lock held by another writer.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.busyTimeout = d
		}
	}
}

// WithClock replaces time.Now, for tests of retention and "since".
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// MustExist makes Open fail with ErrNotFound instead of creating a new
// file: a reader should not leave an empty database behind a typo in --db.
func MustExist() Option { return func(c *config) { c.mustExist = true } }
