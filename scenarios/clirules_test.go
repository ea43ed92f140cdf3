package scenarios

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
)

// TestCommandLineRules: a scenario file refuses the mistakes the command
// line refuses (a 0 where 0 means nothing, a password file whose first
// line is empty, a local address this machine does not have), each at its
// line and key; what the command line accepts stays valid.
func TestCommandLineRules(t *testing.T) {
	const (
		reg = "[[probe]]\nname = \"reg\"\nkind = \"register\"\nserver = \"127.0.0.1\"\nuser = \"120\"\n"
		rx  = "[[probe]]\nname = \"rx\"\nkind = \"receive\"\nserver = \"127.0.0.1\"\nuser = \"122\"\npassword_env = \"PBX_PASSWORD\"\nfrom_user = \"123\"\n"
		inv = "[[probe]]\nname = \"call\"\nkind = \"invite\"\nserver = \"127.0.0.1\"\nuser = \"120\"\npassword_env = \"PBX_PASSWORD\"\nto = \"600\"\n"
		opt = "[[probe]]\nname = \"alive\"\nkind = \"options\"\nserver = \"127.0.0.1\"\n"
	)
	files := map[string]string{
		"empty":    "",
		"blank":    "\nsecret\n",
		"crlf":     "\r\nsecret\r\n",
		"good":     "secret\n",
		"goodcrlf": "secret\r\n",
	}
	readFile := func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return []byte(b), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	tests := []struct {
		name string
		doc  string
		only []string
		want []string // nil: the file loads
	}{
		// Durations: 0 is refused where the flag refuses it.
		{"wait 0s", rx + "from_password_env = \"PBX_PASSWORD\"\nwait = \"0s\"\n", nil,
			[]string{`x.toml:9: probe "rx": wait: "0s": want a positive duration like "3s"`}},
		{"wait negative", rx + "from_password_env = \"PBX_PASSWORD\"\nwait = \"-1s\"\n", nil,
			[]string{`x.toml:9: probe "rx": wait: "-1s": want a positive duration like "3s"`}},
		{"wait 0s in defaults", "[defaults]\nwait = \"0s\"\n" + rx + "from_password_env = \"PBX_PASSWORD\"\n", nil,
			[]string{`x.toml:2: defaults: wait: "0s": want a positive duration like "3s"`}},
		{"wait of the wrong type", rx + "from_password_env = \"PBX_PASSWORD\"\nwait = 30\n", nil,
			[]string{`x.toml:9: probe "rx": wait: want a duration string like "5s", got the integer 30`}},
		{"wait positive", rx + "from_password_env = \"PBX_PASSWORD\"\nwait = \"45s\"\n", nil, nil},
		{"ring_timeout 0s", inv + "ring_timeout = \"0s\"\n", nil,
			[]string{`x.toml:8: probe "call": ring_timeout: "0s": want a positive duration like "3s"`}},
		{"timeout 0s", opt + "timeout = \"0s\"\n", nil,
			[]string{`x.toml:5: probe "alive": timeout: "0s": want a positive duration like "5s"`}},
		{"timeout negative", opt + "timeout = \"-2s\"\n", nil,
			[]string{`x.toml:5: probe "alive": timeout: "-2s": want a positive duration like "5s"`}},
		{"hold 0s is no hold", inv + "hold = \"0s\"\n", nil, nil},
		{"hold negative", inv + "hold = \"-1s\"\n", nil,
			[]string{`x.toml:8: probe "call": hold: "-1s": want a positive duration like "3s"`}},
		{"interval 0s is back to back", opt + "repeat = 2\ninterval = \"0s\"\n", nil, nil},

		// Password files: the first line is the password, and must be there.
		{"password_file empty", reg + "password_file = \"empty\"\n", nil,
			[]string{`x.toml:6: probe "reg": password_file: empty: the first line is empty`}},
		{"password_file blank first line", reg + "password_file = \"blank\"\n", nil,
			[]string{`x.toml:6: probe "reg": password_file: blank: the first line is empty`}},
		{"password_file blank CRLF line", reg + "password_file = \"crlf\"\n", nil,
			[]string{`x.toml:6: probe "reg": password_file: crlf: the first line is empty`}},
		{"password_file in defaults", "[defaults]\npassword_file = \"blank\"\n" + reg, nil,
			[]string{`x.toml:2: defaults: password_file: blank: the first line is empty`}},
		{"password_file good", reg + "password_file = \"goodcrlf\"\n", nil, nil},
		{"from_password_file empty", rx + "from_password_file = \"blank\"\n", nil,
			[]string{`x.toml:8: probe "rx": from_password_file: blank: the first line is empty`}},
		{"from_password_file good", rx + "from_password_file = \"good\"\n", nil, nil},
		// The caller's password variable is worded as password_env's.
		{"from_password_env not set", rx + "from_password_env = \"NOPE\"\n", nil,
			[]string{`x.toml:8: probe "rx": from_password_env: environment variable NOPE is not set`}},
		{"from_password_env empty", rx + "from_password_env = \"PBX_EMPTY\"\n", nil,
			[]string{`x.toml:8: probe "rx": from_password_env: environment variable PBX_EMPTY is empty`}},
		{"an entry --only leaves out is not read", reg + "password_file = \"blank\"\n" + opt, []string{"alive"}, nil},
		{"an entry --only selects is read", reg + "password_file = \"blank\"\n" + opt, []string{"reg"},
			[]string{`x.toml:6: probe "reg": password_file: blank: the first line is empty`}},

		// local_addr: an address of this machine (TEST-NET-3, RFC 5737, and
		// the IPv6 documentation prefix, RFC 3849, are on no interface).
		{"local_addr not of this machine", opt + "local_addr = \"203.0.113.77\"\n", nil,
			[]string{`x.toml:5: probe "alive": local_addr: "203.0.113.77": not an address of this machine (cannot assign requested address)`}},
		{"local_addr with a port", opt + "local_addr = \"203.0.113.77:5099\"\n", nil,
			[]string{`x.toml:5: probe "alive": local_addr: "203.0.113.77:5099": not an address of this machine (cannot assign requested address)`}},
		{"local_addr IPv6", opt + "local_addr = \"2001:db8::77\"\n", nil,
			[]string{`x.toml:5: probe "alive": local_addr: "2001:db8::77": not an address of this machine (cannot assign requested address)`}},
		{"local_addr in defaults, once", "[defaults]\nlocal_addr = \"203.0.113.77\"\n" + opt + reg + "password_file = \"good\"\n", nil,
			[]string{`x.toml:2: defaults: local_addr: "203.0.113.77": not an address of this machine (cannot assign requested address)`}},
		{"local_addr loopback", opt + "local_addr = \"127.0.0.1\"\n", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := []LoadOption{WithLookupEnv(testEnv), WithReadFile(readFile)}
			if tc.only != nil {
				opts = append(opts, WithOnly(tc.only))
			}
			_, err := Parse("x.toml", []byte(tc.doc), opts...)
			var got []string
			var ve *ValidationError
			switch {
			case errors.As(err, &ve):
				for _, p := range ve.Problems {
					got = append(got, p.String())
				}
			case err != nil:
				t.Fatalf("got %v, want a validation error or none", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
