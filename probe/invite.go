package probe

import (
	"context"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// invite places a test call (issue 4 builds it).
func (s *session) invite(ctx context.Context, l *link, r *results.Result, ex *catalog.Exchange) {
	ex.Outcome, ex.Detail = catalog.OutcomeInternal, "the invite probe is not built yet"
	r.Error = ex.Detail
}
