package probe

import (
	"regexp"

	"github.com/sipprobe/sipprobe/results"
)

// responseParam matches the digest response= value in Authorization and
// Proxy-Authorization headers, quoted or not.
var responseParam = regexp.MustCompile(`(?i)(\bresponse\s*=\s*)("[^"]*"|[^,\s\r\n]*)`)

// redact hides digest responses: with the nonce they let an attacker run an
// offline dictionary attack on the password.
func redact(msgs []results.Message) []results.Message {
	for i := range msgs {
		if msgs[i].Dir == results.DirOut {
			msgs[i].Raw = responseParam.ReplaceAllString(msgs[i].Raw, `${1}"<redacted>"`)
		}
	}
	return msgs
}
