package scenarios

import (
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// Probe is one validated [[probe]] entry.
type Probe struct {
	Name string
	Kind probe.Kind
	Line int // of its [[probe]] header
	// Config has everything but the transport when Transports fans out.
	Config probe.Config
	// Transports lists the transports to fan out to; empty means just
	// Config.Transport.
	Transports []string
	Repeat     int // at least 1
	Interval   time.Duration
	Expect     results.Expectation
	// Scheduled: the entry gives an interval, so `sipprobe serve` runs it
	// every Interval.
	Scheduled bool
	// Targets and AnyTarget: where /probe may send the entry (serve.go).
	Targets   []string
	AnyTarget bool
	// Accounts is the entry's accounts file, "" for a single probe: then
	// the entry runs once per row (sweep.go).
	Accounts  string
	lookupEnv func(string) (string, bool)
}

// Limits of the schema.
const (
	maxRepeat       = 10000
	defaultInterval = time.Second
)
