package history

import "github.com/sipprobe/sipprobe/scenarios"

// The runner's History interface is what `sipprobe run` plugs the store into.
var _ scenarios.History = (*Store)(nil)
