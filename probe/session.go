package probe

import (
	"context"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// Option tunes a probe run (for tests and embedding).
type Option func(*session)

type session struct {
	kind Kind
	cfg  Config
	cat  *catalog.Catalog
}

func newSession(kind Kind, cfg Config, opts ...Option) *session {
	s := &session{kind: kind, cfg: cfg, cat: catalog.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *session) run(ctx context.Context) results.Result {
	r := results.Result{Probe: string(s.kind), Target: s.cfg.Target, StartedAt: time.Now().UTC()}
	r.Diagnosis = s.cat.Diagnose(catalog.Exchange{Outcome: catalog.OutcomeInternal}, s.cfg.Lang)
	r.Status = results.StatusUnknown
	return r
}
