package probe

import "errors"

// Sentinel errors. Transport failures are not errors of the probe: they
// become diagnoses in the result. These are for sipprobe's own failures.
var (
	// ErrConfig marks a usage problem: exit 3, nothing sent.
	ErrConfig = errors.New("invalid probe configuration")
	// ErrTarget marks a TARGET that cannot be parsed.
	ErrTarget = errors.New("invalid target")
)
