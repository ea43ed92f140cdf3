package agent

import (
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/scenarios"
)

// A /probe request has a deadline (the scrape timeout minus scrapeMargin).
// A probe cut by that deadline is canceled, UNKNOWN: the scrape would say
// "sipprobe could not check" about a server that simply did not answer. So,
// as blackbox_exporter caps its prober's timeout below the scrape's, the
// probe's own bounds are fitted inside the deadline with a reserve for its
// wrap-up (diagnosis, BYE, un-REGISTER, writing the answer): a silent
// server then ends the probe on its own timeout, with the server's verdict
// (no-response, nat-timeout: CRITICAL).

// wrapUp is the reserve kept between the probe's own bounds and the
// request's deadline: a quarter of the budget, at most 500 ms.
func wrapUp(budget time.Duration) time.Duration {
	return min(budget/4, 500*time.Millisecond)
}

// fitBudget returns j with every bound of its probe fitted into budget
// (budget <= 0: j unchanged). The bounds of a probe run one after another
// (a test call: setup within --timeout, then ringing up to --ring-timeout,
// then --hold; receive: setup, then --wait), so when their sum does not fit
// they are shortened in proportion: each keeps its share, none drops to 0.
func fitBudget(j scenarios.Job, budget time.Duration) scenarios.Job {
	if budget <= 0 {
		return j
	}
	room := budget - wrapUp(budget)
	c := &j.Config
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = probe.DefaultTimeout
	}
	bounds := []*time.Duration{&timeout}
	var ring, hold, wait time.Duration
	switch j.Kind {
	case probe.KindInvite:
		ring, hold = orDefault(c.Invite.RingTimeout, probe.DefaultRingTimeout), c.Invite.Hold
		if hold == 0 {
			hold = probe.DefaultHold
		}
		bounds = append(bounds, &ring)
		if hold > 0 { // probe.NoHold: no hold to fit
			bounds = append(bounds, &hold)
		}
	case probe.KindReceive:
		wait = orDefault(c.Receive.Wait, probe.DefaultWait)
		bounds = append(bounds, &wait)
	}
	var sum time.Duration
	for _, b := range bounds {
		sum += *b
	}
	if sum > room {
		for _, b := range bounds {
			share := time.Duration(float64(*b) * float64(room) / float64(sum))
			*b = max(time.Millisecond, share.Truncate(time.Millisecond))
		}
	}
	c.Timeout = timeout
	switch j.Kind {
	case probe.KindInvite:
		c.Invite.RingTimeout = ring
		if hold > 0 {
			c.Invite.Hold = hold
		}
		// A refused offer's SRTP retry is a second INVITE: a probing one
		// takes up to another --timeout, the optional mode's a whole
		// call. Where it does not fit after the call itself, none is
		// placed: the refusal's own diagnosis, not a canceled probe.
		retry := timeout
		if c.Invite.SRTP == probe.SRTPOptional {
			retry = timeout + ring + max(hold, 0)
		}
		if min(sum, room)+retry > room {
			c.Invite.NoSRTPRetry = true
		}
	case probe.KindReceive:
		c.Receive.Wait = wait
	}
	return j
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
