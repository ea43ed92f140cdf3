package scenarios

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// accounts enforces the in-run ban-safety rules: one authenticated probe
// per account at a time, and no credentials for an account once they were
// rejected. Entries of idle accounts are dropped, so a sweep of thousands
// of accounts holds only the ones in flight (plus the rejected ones).
type accounts struct {
	mu       sync.Mutex
	busy     map[string]*accountLock
	rejected map[string]rejection
	// ttl, when positive, forgets a rejection after that long: a Session
	// lives for days, and a fixed password must be tried again after the
	// cool-down. A run (ttl 0) never retries refused credentials.
	ttl   time.Duration
	clock Clock
	// retry holds the accounts a Session.Retry lets past the history's
	// cool-down once, with the credentials it lets through (retry.go).
	retry map[string][sha256.Size]byte
}

// rejection is the probe that saw an account's credentials refused, and when.
type rejection struct {
	by string
	at time.Time
}

type accountLock struct {
	ch   chan struct{} // capacity 1: holding the token is holding the account
	refs int
}

func newAccounts() *accounts {
	return &accounts{busy: map[string]*accountLock{}, rejected: map[string]rejection{}, clock: realClock{}}
}

// acquire waits until no other probe uses account; release must be called.
func (a *accounts) acquire(ctx context.Context, account string) (release func(), err error) {
	a.mu.Lock()
	l := a.busy[account]
	if l == nil {
		l = &accountLock{ch: make(chan struct{}, 1)}
		a.busy[account] = l
	}
	l.refs++
	a.mu.Unlock()

	drop := func() {
		a.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(a.busy, account)
		}
		a.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}

func (a *accounts) reject(account, by string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.rejected[account]; !ok {
		a.rejected[account] = rejection{by: by, at: a.clock.Now()}
	}
}

// rejectedBy names the probe whose credentials for account were refused.
func (a *accounts) rejectedBy(account string) (string, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.rejected[account]
	if ok && a.ttl > 0 && a.clock.Now().Sub(r.at) >= a.ttl {
		delete(a.rejected, account)
		return "", false
	}
	return r.by, ok
}

// rejectedAt is when account's credentials were refused, if they were.
func (a *accounts) rejectedAt(account string) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.rejected[account]
	return r.at, ok
}

// limiters hold one token bucket per target, so a sweep never floods a PBX
// whatever --parallel says (fail2ban and pike count requests per second).
type limiters struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	clock Clock
	byKey map[string]*rate.Limiter
}

func newLimiters(perSecond float64, burst int, clock Clock) *limiters {
	l := rate.Limit(perSecond)
	if perSecond <= 0 {
		l = rate.Inf
	}
	return &limiters{limit: l, burst: max(1, burst), clock: clock, byKey: map[string]*rate.Limiter{}}
}

// wait blocks until target may receive n more requests. It reserves on the
// injected clock so tests can check the schedule without sleeping.
func (l *limiters) wait(ctx context.Context, target string, n int) error {
	now := l.clock.Now()
	l.mu.Lock()
	lim := l.byKey[target]
	if lim == nil {
		l.forgetIdle(now)
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byKey[target] = lim
	}
	l.mu.Unlock()
	n = min(n, l.burst)
	r := lim.ReserveN(now, n)
	if !r.OK() {
		return nil // only when n > burst, which min() excludes
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	select {
	case <-l.clock.After(d):
		return nil
	case <-ctx.Done():
		r.CancelAt(l.clock.Now())
		return ctx.Err()
	}
}

// maxIdleTargets is how many targets' buckets are kept before the full
// ones are dropped: a Session (sipprobe serve) lives for months, and
// /probe of an any_target module may name a new target every time.
const maxIdleTargets = 1024

// forgetIdle drops the buckets that are full again (their target has
// not been probed for a while: a new bucket would be the same) once there
// are many; l.mu must be held.
func (l *limiters) forgetIdle(now time.Time) {
	if len(l.byKey) < maxIdleTargets {
		return
	}
	for k, lim := range l.byKey {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.byKey, k)
		}
	}
}

// requestsOf estimates the requests a probe sends, for the rate limit:
// an authenticated REGISTER is two (challenge, then credentials), a call
// at least INVITE, ACK and BYE.
func requestsOf(j Job) int {
	switch {
	case j.Kind == "invite":
		return 3
	case j.Kind == "receive":
		// REGISTER query, bind and unbind, each challenged, and the call.
		return 9
	case j.Account != "":
		return 2
	}
	return 1
}
