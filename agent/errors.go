package agent

import "errors"

// Sentinel errors; test with errors.Is.
var (
	// ErrUnknownModule: /probe named no entry of the configuration (HTTP 400).
	ErrUnknownModule = errors.New("unknown module")
	// ErrBadTarget: /probe's target is not HOST or HOST:PORT (HTTP 400).
	ErrBadTarget = errors.New("bad target")
	// ErrTargetNotAllowed: the module may not be sent to that target (HTTP
	// 403); nothing was sent.
	ErrTargetNotAllowed = errors.New("target not allowed for this module")
	// ErrBusy: too many /probe requests are in flight (HTTP 503).
	ErrBusy = errors.New("too many probes in flight")
)
