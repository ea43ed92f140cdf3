package testpeers

import (
	"fmt"

	"github.com/icholy/digest"
)

// Authorization answers the digest challenge in resp (WWW-Authenticate for
// 401, Proxy-Authenticate for 407) and returns the full header line to add
// to the retried request, e.g. "Authorization: Digest username=...".
// It uses github.com/icholy/digest so that the harness checks the server
// against an independent implementation, not sipprobe's own.
func Authorization(resp *Response, method, uri, user, password string) (string, error) {
	chalHdr, credHdr := "WWW-Authenticate", "Authorization"
	if resp.Code == 407 {
		chalHdr, credHdr = "Proxy-Authenticate", "Proxy-Authorization"
	}
	raw := resp.Header(chalHdr)
	if raw == "" {
		return "", fmt.Errorf("%w: %d without %s", ErrMalformed, resp.Code, chalHdr)
	}
	chal, err := digest.ParseChallenge(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %w", ErrMalformed, chalHdr, err)
	}
	cred, err := digest.Digest(chal, digest.Options{Method: method, URI: uri, Username: user, Password: password, Count: 1})
	if err != nil {
		return "", err
	}
	return credHdr + ": " + cred.String(), nil
}
