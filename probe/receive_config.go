package probe

import (
	"fmt"
	"time"
)

// DefaultWait is how long receive waits for the inbound INVITE (--wait).
const DefaultWait = 30 * time.Second

// ReceiveConfig holds the inbound-call test's settings (receive).
type ReceiveConfig struct {
	// FromUser is the second account that places the trigger call;
	// empty: wait for any inbound call.
	FromUser     string
	FromAuthUser string
	FromPassword string
	// To is what the trigger call dials (--to); the account by default.
	To   string
	Wait time.Duration
	// RTP sends and counts media both ways while the call is up.
	RTP bool
}

func (c ReceiveConfig) validate(user string) error {
	if user == "" {
		return fmt.Errorf("%w: --user is required", ErrConfig)
	}
	if c.Wait < 0 {
		return fmt.Errorf("%w: --wait must not be negative", ErrConfig)
	}
	return nil
}

func (c ReceiveConfig) wait() time.Duration {
	if c.Wait > 0 {
		return c.Wait
	}
	return DefaultWait
}

// to is what the trigger call dials: --to, else the account itself.
func (c ReceiveConfig) to(user string) string {
	if c.To != "" {
		return c.To
	}
	return user
}
