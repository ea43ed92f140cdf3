package scenarios

import "crypto/sha256"

// Retry lets the next probe of j's account that sends j's credentials send
// them once, despite a refusal the session remembers or the history's
// cool-down: the user changed the credentials (`sipprobe serve` sees that
// at a reload), so the refusal was about other ones. Another entry of the
// same account, with the credentials still refused, gets no such pass.
// Only one probe goes; if it is refused too, the cool-down starts again
// from that refusal. It is `run --force` for one account, once.
func (s *Session) Retry(j Job) {
	a := s.st.acc
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.rejected, j.Account)
	if a.retry == nil {
		a.retry = map[string][sha256.Size]byte{}
	}
	a.retry[j.Account] = CredentialsDigest(j)
}

// takeRetry reports, once, whether j's account was given a Retry for j's
// credentials.
func (a *accounts) takeRetry(j Job) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	d, ok := a.retry[j.Account]
	if !ok || d != CredentialsDigest(j) {
		return false
	}
	delete(a.retry, j.Account)
	return true
}

// CredentialsDigest digests the settings that decide whether a job's
// credentials are accepted, to tell changed credentials from the same
// ones. It is held in memory only: credentials are never stored or
// logged, not even hashed.
func CredentialsDigest(j Job) [sha256.Size]byte {
	c := j.Config
	h := sha256.New()
	for _, s := range []string{c.User, c.AuthUser, c.Password, c.Domain, c.Receive.FromUser, c.Receive.FromAuthUser, c.Receive.FromPassword} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
