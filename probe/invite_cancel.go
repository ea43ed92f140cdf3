package probe

import (
	"context"
	"time"

	"github.com/emiago/sipgo/sip"
)

// abandon ends an INVITE that has no final response yet, so that no call
// is left ringing on the PBX. A CANCEL may only follow a provisional
// response (RFC 3261 §9.1); when nothing at all came back there is nothing
// to cancel. It returns the INVITE's final response if one came within the
// budget (487 normally; a 2xx that crossed our CANCEL is ACKed and ended
// with BYE, and returned with its dialog).
func (c *call) abandon(ctx context.Context) (*sip.Response, *dialog) {
	if c.invTx == nil || !c.heardBack() {
		return nil, nil
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), teardownBudget)
	defer cancel()
	ctx2, err := c.l.send(tctx, cancelRequest(c.inv))
	if err != nil {
		return nil, nil
	}
	c.txs = append(c.txs, ctx2)
	for {
		select {
		case res := <-c.invTx.Responses():
			if res == nil || res.IsProvisional() {
				continue
			}
			if res.IsSuccess() {
				// The far end answered just as we gave up (RFC 3261 §9.1).
				d := c.confirm(res)
				c.bye(ctx, d)
				return res, d
			}
			return res, nil
		case <-ctx2.Responses():
			// 200 to the CANCEL; the 487 follows on the INVITE.
		case <-c.invTx.Done():
			return nil, nil
		case <-tctx.Done():
			return nil, nil
		}
	}
}

// ringTimeout is --ring-timeout, 20 s unless set.
func (s *session) ringTimeout() time.Duration {
	if s.cfg.Invite.RingTimeout > 0 {
		return s.cfg.Invite.RingTimeout
	}
	return DefaultRingTimeout
}

// hold is --hold, 2 s unless set; a negative value holds for no time.
func (s *session) hold() time.Duration {
	switch h := s.cfg.Invite.Hold; {
	case h > 0:
		return h
	case h < 0:
		return 0
	}
	return DefaultHold
}

// Defaults of the invite probe (issue 4).
const (
	DefaultHold        = 2 * time.Second
	DefaultRingTimeout = 20 * time.Second
)
