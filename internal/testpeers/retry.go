package testpeers

import "errors"

// ErrPortTaken marks a peer start that failed because another process
// bound one of its ports between FreePort and the peer binding it. Start
// functions wrap it (fmt.Errorf("%w: ...", ErrPortTaken, ...)) so that
// RetryPortTaken tries again on new ports.
var ErrPortTaken = errors.New("testpeers: port taken")

// portAttempts bounds RetryPortTaken; losing the race twice is already rare.
const portAttempts = 5

// RetryPortTaken calls start until it succeeds, fails for another reason
// than ErrPortTaken, or has lost the port race portAttempts times. start
// must pick fresh ports on every call.
func RetryPortTaken[T any](start func() (T, error)) (T, error) {
	var (
		v   T
		err error
	)
	for range portAttempts {
		if v, err = start(); err == nil || !errors.Is(err, ErrPortTaken) {
			break
		}
	}
	return v, err
}
