package probe

import (
	"reflect"
	"testing"

	"github.com/icholy/digest"
)

// parseChallenge must accept, refuse and read every challenge exactly as
// digest.ParseChallenge does.
var challengeSeeds = []string{
	`Digest realm="sip.example.com", nonce="Zq1x2AAAAAB3m8kL", qop="auth"`,
	`Digest realm="r",nonce="n",algorithm=SHA-256,qop="auth,auth-int",opaque="o",stale=TRUE`,
	`Digest realm="a \"quoted\" realm", nonce="n\\x", domain="sip:a sip:b", charset=UTF-8, userhash=true`,
	`Digest   realm  =  "spaces"  ,  nonce = "n"  `,
	`Digest realm="ünïcödé", nonce="\xff\xfe"`,
	`Digest realm="unterminated`,
	`Digest realm="r" nonce="missing comma"`,
	`Digest realm`,
	`Digest =x`,
	`Digest realm=`,
	`Digest realm="r",`,
	`Digest realm="r", ,nonce="n"`,
	`Digest realm="r",	nonce="tab"`,
	`Digest realm="r\`,
	`Digest`,
	`Digest `,
	`digest realm="lower-case scheme"`,
	`Basic realm="r"`,
	``,
}

func TestParseChallengeMatchesLibrary(t *testing.T) {
	for _, s := range challengeSeeds {
		t.Run(s, func(t *testing.T) { compareChallenge(t, s) })
	}
}

func FuzzParseChallenge(f *testing.F) {
	for _, s := range challengeSeeds {
		f.Add(s)
	}
	f.Fuzz(compareChallenge)
}

func compareChallenge(t *testing.T, s string) {
	want, werr := digest.ParseChallenge(s)
	got, gerr := parseChallenge(s)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%q: error %v, library %v", s, gerr, werr)
	}
	if werr != nil {
		if gerr.Error() != werr.Error() {
			t.Errorf("%q: error %q, library %q", s, gerr, werr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\n got %+v\nwant %+v", s, got, want)
	}
}
