package testpbx

import "errors"

// Sentinel errors. Callers match them with errors.Is; the wrapped message
// carries the detail (which option, which transport).
var (
	// ErrInvalidOption is returned by New when an option's value makes no
	// sense (a negative count, an empty user, a behaviour that contradicts
	// itself).
	ErrInvalidOption = errors.New("testpbx: invalid option")
	// ErrStarted is returned by Start when the PBX is already listening.
	ErrStarted = errors.New("testpbx: already started")
	// ErrClosed is returned by Start after Close: a PBX is not restartable,
	// so that a test cannot reuse sockets another test still holds.
	ErrClosed = errors.New("testpbx: closed")
	// ErrListen is returned by Start when no socket could be bound.
	ErrListen = errors.New("testpbx: cannot listen")
	// ErrUnknownAccount is returned by AddBinding for a user that was not
	// configured with WithAccount.
	ErrUnknownAccount = errors.New("testpbx: unknown account")
	// ErrBadURI is returned by AddBinding when the contact is not a SIP URI.
	ErrBadURI = errors.New("testpbx: bad contact URI")
)
