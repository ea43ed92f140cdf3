package catalog

import "errors"

// Sentinel errors; wrap them with %w and test with errors.Is.
var (
	ErrUnknownLang = errors.New("unknown language")
	ErrUnknownID   = errors.New("unknown diagnosis id")
	// ErrInvalidCatalog means the data files are inconsistent: a bug in
	// the catalogue caught by its tests, never a user error.
	ErrInvalidCatalog = errors.New("invalid catalogue")
)
