package probe

import (
	"context"

	"github.com/sipprobe/sipprobe/results"
)

// Prober is one protocol check; every prober yields exactly one result.
type Prober func(ctx context.Context, cfg Config) results.Result

// Run runs the prober of kind. It never panics and always returns a result.
func Run(ctx context.Context, kind Kind, cfg Config, opts ...Option) results.Result {
	return newSession(kind, cfg, opts...).run(ctx)
}
