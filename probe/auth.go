package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

var errNoUsableChallenge = errors.New("no digest challenge we can answer")

// challenge is a parsed 401/407 challenge and where its answer goes.
type challenge struct {
	chal     *digest.Challenge
	answerIn string // Authorization or Proxy-Authorization
	raw      string
}

// pickChallenge takes the first challenge we can answer, in the server's
// order of preference (RFC 8760 §2.4), so a server offering SHA-256 before
// MD5 gets SHA-256. sipgo's DoDigestAuth would use only the first header.
func pickChallenge(res *sip.Response) (*challenge, error) {
	hdr, answer := "WWW-Authenticate", "Authorization"
	if res.StatusCode == 407 {
		hdr, answer = "Proxy-Authenticate", "Proxy-Authorization"
	}
	var seen []string
	for _, h := range res.GetHeaders(hdr) {
		v := h.Value()
		if !digest.IsDigest(v) {
			seen = append(seen, strings.SplitN(v, " ", 2)[0])
			continue
		}
		c, err := parseChallenge(v)
		if err != nil {
			seen = append(seen, "unparseable Digest")
			continue
		}
		if !digest.CanDigest(c) {
			seen = append(seen, "Digest algorithm="+c.Algorithm+" qop="+strings.Join(c.QOP, ","))
			continue
		}
		return &challenge{chal: c, answerIn: answer, raw: v}, nil
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("%w: %d without %s", errNoUsableChallenge, res.StatusCode, hdr)
	}
	return nil, fmt.Errorf("%w: offered %s", errNoUsableChallenge, strings.Join(seen, "; "))
}

// authorize adds the answer to c to req. auth-int hashes the real body
// (sipgo's helper hashes an empty one, DESIGN.md §4).
func authorize(req *sip.Request, c *challenge, user, password string) error {
	body := req.Body()
	cred, err := digest.Digest(c.chal, digest.Options{
		Method:   string(req.Method),
		URI:      req.Recipient.String(),
		Username: user,
		Password: password,
		GetBody:  func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
	})
	if err != nil {
		return err
	}
	req.RemoveHeader(c.answerIn)
	req.AppendHeader(sip.NewHeader(c.answerIn, cred.String()))
	return nil
}

func algorithmName(c *challenge) string {
	if c == nil {
		return ""
	}
	if c.chal.Algorithm == "" {
		return "MD5"
	}
	return strings.ToUpper(c.chal.Algorithm)
}
