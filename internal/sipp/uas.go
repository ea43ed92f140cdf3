package sipp

import (
	"errors"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// uasAttempts bounds retries after losing a port race.
const uasAttempts = 5

// StartUAS runs SIPp as a server with scenario (a file path or the XML
// itself, e.g. BasicUAS()) on a free 127.0.0.1 port and returns once the
// port is bound. By default it handles one call (WithCalls) and gives up
// after 30 s (WithTimeout).
func StartUAS(t testing.TB, scenario string, opts ...Option) *Proc {
	t.Helper()
	c := defaultConfig()
	for _, o := range opts {
		o(&c)
	}
	var err error
	for range uasAttempts {
		var p *Proc
		if p, err = run(t, scenario, testpeers.FreePort(t), &c); err != nil {
			break
		}
		if err = p.waitBound(5 * time.Second); err == nil {
			return p
		}
		// A fatal exit is most likely a bind race; anything else is not.
		if !errors.Is(err, ErrFatal) {
			break
		}
		_ = p.Stop()
	}
	t.Fatalf("sipp UAS: %v", err)
	return nil
}
