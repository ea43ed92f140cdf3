package scenarios

// Retry lets the next probe of account send its credentials once, despite
// a refusal the session remembers or the history's cool-down: the user
// changed the credentials (`sipprobe serve` sees that at a reload), so the
// refusal was about other ones. Only one probe goes; if it is refused
// too, the cool-down starts again from that refusal. It is `run --force`
// for one account, once.
func (s *Session) Retry(account string) {
	a := s.st.acc
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.rejected, account)
	if a.retry == nil {
		a.retry = map[string]bool{}
	}
	a.retry[account] = true
}

// takeRetry reports, once, whether account was given a Retry.
func (a *accounts) takeRetry(account string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.retry[account] {
		return false
	}
	delete(a.retry, account)
	return true
}
