package catalog

import "errors"

// Sentinel errors; wrap them with %w and test with errors.Is.
var (
	ErrUnknownLang = errors.New("unknown language")
	ErrUnknownID   = errors.New("unknown diagnosis id")
)
