package scenarios

import (
	"errors"
	"testing"
)

// TestTypeErrors: a value of the wrong type is one problem that names the
// key, the type wanted and the value found, at its line, and nothing else
// (no made-up follow-up such as "expect.code: 0").
func TestTypeErrors(t *testing.T) {
	const probeHead = "[[probe]]\nname = \"p\"\nkind = \"register\"\nserver = \"h\"\nuser = \"1\"\npassword_env = \"PBX_PASSWORD\"\n"
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"string for int inside inline expect", probeHead + "expect = { code = \"200\", max_ms = 250 }\n",
			`t.toml:7: probe "p": expect.code: want an integer, got the string "200"`},
		{"string for int in sub-table expect", probeHead + "[probe.expect]\ncode = \"200\"\n",
			`t.toml:8: probe "p": expect.code: want an integer, got the string "200"`},
		{"int for string", probeHead + "domain = 5\n",
			`t.toml:7: probe "p": domain: want a string, got the integer 5`},
		{"array for string", probeHead + "auth_user = [\"a\"]\n",
			`t.toml:7: probe "p": auth_user: want a string, got an array`},
		{"table for scalar", probeHead + "expires = { a = 1 }\n",
			`t.toml:7: probe "p": expires: want an integer, got a table`},
		{"sub-table for scalar", probeHead + "[probe.repeat]\na = 1\n",
			`t.toml:7: probe "p": repeat: want an integer, got a table`},
		{"bool for string", probeHead + "to = true\n",
			`t.toml:7: probe "p": to: want a string, got the boolean true`},
		{"bool for string in defaults", "[defaults]\nuser_agent = true\n" + probeHead,
			`t.toml:2: defaults: user_agent: want a string, got the boolean true`},
		{"scalar for table", probeHead + "expect = 200\n",
			`t.toml:7: probe "p": expect: want a table, got the integer 200`},
		{"float for int", probeHead + "expect = { min_contacts = 1.5 }\n",
			`t.toml:7: probe "p": expect.min_contacts: want an integer, got the number 1.5`},
		{"int in an array of strings", probeHead + "transports = [\"udp\", 5]\n",
			`t.toml:7: probe "p": transports: want an array of strings, got the integer 5 in the array`},
		{"bool for duration in defaults", "[defaults]\ntimeout = true\n" + probeHead,
			`t.toml:2: defaults: timeout: want a duration string like "5s", got the boolean true`},
		{"wrong type in defaults expect", "[defaults]\nexpect = { max_ms = \"fast\" }\n" + probeHead,
			`t.toml:2: defaults: expect.max_ms: want a number, got the string "fast"`},
		{"the password's value is never shown", probeHead[:len(probeHead)-len("password_env = \"PBX_PASSWORD\"\n")] + "password = 123456789\n",
			`t.toml:6: probe "p": password: want a string, got an integer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("t.toml", []byte(tc.doc), WithLookupEnv(testEnv), WithFileMode(0o600))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error", err)
			}
			if len(ve.Problems) != 1 || ve.Problems[0].String() != tc.want {
				t.Errorf("got\n%v\nwant exactly\n%s", err, tc.want)
			}
		})
	}
}
