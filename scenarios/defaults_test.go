package scenarios

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// TestDefaultsInherited: every setting that makes sense for all probes
// comes from [defaults]; kind-specific ones apply to the kinds that take
// them and are ignored by the others; expect merges key by key.
func TestDefaultsInherited(t *testing.T) {
	doc := `
[defaults]
server = "pbx"
user = "120"
auth_user = "a120"
domain = "office.example"
password_env = "PBX_PASSWORD"
show_secrets = true
to = "600"
codecs = ["pcma"]
hold = "4s"
ring_timeout = "9s"
bind = true
expires = 45
expect = { code = 200, max_ms = 300, codec = "PCMA", min_contacts = 2 }

[[probe]]
name = "alive"
kind = "options"

[[probe]]
name = "reg"
kind = "register"
expect = { code = 401 }

[[probe]]
name = "reg-121"
kind = "register"
user = "121"
password_env = "PBX_120_PASSWORD"
expect = { max_ms = 100 }

[[probe]]
name = "call"
kind = "invite"
to = "601"
`
	f, err := Parse("d.toml", []byte(doc), WithLookupEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]Probe{}
	for _, p := range f.Probes {
		by[p.Name] = p
	}
	tests := []struct {
		name  string
		probe string
		got   any
		want  any
	}{
		{"options ignore credentials", "alive", by["alive"].Config.User + by["alive"].Config.Password, ""},
		{"options keep the common expect keys only", "alive", by["alive"].Expect, results.Expectation{Code: 200, MaxMs: 300}},
		{"register inherits credentials", "reg", [4]string{by["reg"].Config.User, by["reg"].Config.AuthUser, by["reg"].Config.Domain, by["reg"].Config.Password}, [4]string{"120", "a120", "office.example", "secret"}},
		{"register inherits show_secrets, bind, expires", "reg", [3]any{by["reg"].Config.ShowSecrets, by["reg"].Config.Bind, by["reg"].Config.Expires}, [3]any{true, true, 45}},
		{"probe's expect.code overrides, other keys stay", "reg", by["reg"].Expect, results.Expectation{Code: 401, MaxMs: 300, MinContacts: 2}},
		{"probe's own user and password source win", "reg-121", by["reg-121"].Config.User + "/" + by["reg-121"].Config.Password, "121/secret"},
		{"probe's expect.max_ms overrides", "reg-121", by["reg-121"].Expect, results.Expectation{Code: 200, MaxMs: 100, MinContacts: 2}},
		{"invite inherits invite settings", "call", [3]any{slices.Equal(by["call"].Config.Invite.Codecs, []string{"pcma"}), by["call"].Config.Invite.Hold, by["call"].Config.Invite.RingTimeout}, [3]any{true, 4 * time.Second, 9 * time.Second}},
		{"invite's own to wins", "call", by["call"].Config.Invite.To, "601"},
		{"invite ignores register settings", "call", by["call"].Config.Bind, false},
		{"invite keeps expect.codec", "call", by["call"].Expect, results.Expectation{Code: 200, MaxMs: 300, Codec: "pcma"}},
		{"kind", "call", by["call"].Kind, probe.KindInvite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("%s: got %+v, want %+v", tc.probe, tc.got, tc.want)
			}
		})
	}
}

// TestDefaultsProblems: a bad inherited value is reported once at its
// line in [defaults]; what only a probe can say is refused there with a
// hint; unknown keys still get a suggestion.
func TestDefaultsProblems(t *testing.T) {
	const probes = "[[probe]]\nname = \"a\"\nkind = \"register\"\nuser = \"1\"\n[[probe]]\nname = \"b\"\nkind = \"register\"\nuser = \"2\"\n"
	tests := []struct {
		name string
		defs string
		want []string
	}{
		{"unset env var once", "server = \"h\"\npassword_env = \"NOPE\"\n",
			[]string{`d.toml:3: defaults: password_env: environment variable NOPE is not set`}},
		{"name is not inheritable", "server = \"h\"\npassword_env = \"PBX_PASSWORD\"\nname = \"x\"\n",
			[]string{`d.toml:4: defaults: name: cannot be inherited: set it in each [[probe]]`}},
		{"unknown key with suggestion", "server = \"h\"\npassword_env = \"PBX_PASSWORD\"\ndomian = \"x\"\n",
			[]string{`d.toml:4: defaults: domian: unknown key (did you mean "domain"?)`}},
		{"bad hold once", "server = \"h\"\npassword_env = \"PBX_PASSWORD\"\nhold = \"soon\"\n",
			[]string{`d.toml:4: defaults: hold: "soon": want a positive duration like "3s"`}},
		{"mixed thresholds", "server = \"h\"\npassword_env = \"PBX_PASSWORD\"\nexpect = { crit_ms = 100 }\n[[probe]]\nname = \"c\"\nkind = \"options\"\nexpect = { max_ms = 200 }\n",
			[]string{`d.toml:8: probe "c": expect.max_ms: crit_ms 100 is below max_ms 200 (one of them from [defaults]): the critical threshold must be at least the warning one`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("d.toml", []byte("[defaults]\n"+tc.defs+probes), WithLookupEnv(testEnv))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%v\nwant\n%v", err, tc.want)
			}
		})
	}
}
