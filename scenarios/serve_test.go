package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestServeKeys(t *testing.T) {
	const head = `[defaults]
server = "pbx.example.com"
`
	tests := []struct {
		name string
		doc  string
		opts []LoadOption
		// want lists substrings of the error, each "line: text"; none means valid.
		want []string
	}{
		{name: "valid serve table and targets", doc: head + `
[serve]
listen = "0.0.0.0:9117"
retention = "7d"
log_format = "json"
lang = "ru"

[[probe]]
name = "reg"
kind = "register"
user = "120"
password_env = "PBX_PASSWORD"
interval = "30s"
targets = ["pbx.example.com:5060", "10.1.2.*"]

[[probe]]
name = "alive"
kind = "options"
any_target = true
`},
		{name: "any_target with credentials", doc: head + `
[[probe]]
name = "reg"
kind = "register"
user = "120"
password_env = "PBX_PASSWORD"
any_target = true
`, want: []string{`:9: probe "reg": any_target: not allowed on a probe with credentials`}},
		{name: "any_target with inherited credentials", doc: head + `password_env = "PBX_PASSWORD"
user = "120"

[[probe]]
name = "reg"
kind = "register"
any_target = true
`, want: []string{`:9: probe "reg": any_target: not allowed on a probe with credentials`}},
		{name: "targets must be host patterns", doc: head + `
[[probe]]
name = "alive"
kind = "options"
targets = ["sip:evil.example.com", "a[b", ""]
`, want: []string{`:7: probe "alive": targets: "sip:evil.example.com": want HOST or HOST:PORT`, `:7: probe "alive": targets: "a[b": bad pattern`, `:7: probe "alive": targets: empty pattern`}},
		{name: "targets not inheritable", doc: head + `targets = ["x"]

[[probe]]
name = "alive"
kind = "options"
`, want: []string{`:3: defaults: targets: cannot be inherited`}},
		{name: "wrong types in serve", doc: head + `
[serve]
listen = 9117
retention = "forever"
log_format = "xml"
lsten = "x"

[[probe]]
name = "alive"
kind = "options"
`, want: []string{`:5: serve: listen: want a string, got the integer 9117`, `:6: serve: retention: "forever": want a positive duration`, `:7: serve: log_format: "xml": want text or json`, `:8: serve: lsten: unknown key (did you mean "listen"?)`}},
		{name: "zero interval in serve", opts: []LoadOption{ForServe()}, doc: head + `
[[probe]]
name = "alive"
kind = "options"
interval = "0s"
`, want: []string{`:7: probe "alive": interval: "0s": want a positive duration like "30s": serve runs this probe every interval`}},
		{name: "zero interval is fine for run", doc: head + `
[[probe]]
name = "alive"
kind = "options"
interval = "0s"
`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]LoadOption{WithLookupEnv(testEnv)}, tc.opts...)
			f, err := Parse("agent.toml", []byte(tc.doc), opts...)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
				}
				if f == nil || len(f.Probes) == 0 {
					t.Fatal("no probes")
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), "agent.toml"+w) {
					t.Errorf("missing %q in\n%v", w, err)
				}
			}
		})
	}
}

func TestServeValues(t *testing.T) {
	doc := `[serve]
listen = "127.0.0.1:9999"
retention = "2w"
history = "state/h.db"

[[probe]]
name = "reg"
kind = "register"
server = "sips:pbx.example.com"
user = "120"
password_env = "PBX_PASSWORD"
interval = "1m"
targets = ["PBX2.example.com"]

[[probe]]
name = "alive"
kind = "options"
server = "pbx.example.com"
any_target = true
`
	f, err := Parse("/etc/sipprobe/agent.toml", []byte(doc), WithLookupEnv(testEnv), ForServe())
	if err != nil {
		t.Fatal(err)
	}
	if f.Serve.Listen != "127.0.0.1:9999" || f.Serve.Retention != 14*24*time.Hour {
		t.Errorf("serve %+v", f.Serve)
	}
	reg, alive := f.Probes[0], f.Probes[1]
	if !reg.Scheduled || reg.Interval != time.Minute || alive.Scheduled {
		t.Errorf("scheduled: reg %v (%s), alive %v", reg.Scheduled, reg.Interval, alive.Scheduled)
	}
	if strings.Join(reg.Targets, ",") != "pbx2.example.com" || reg.AnyTarget || !alive.AnyTarget {
		t.Errorf("targets %v any %v/%v", reg.Targets, reg.AnyTarget, alive.AnyTarget)
	}
	for j := range reg.Jobs() {
		moved := j.WithTarget("pbx2.example.com:5061")
		if moved.Config.Target != "sips:pbx2.example.com:5061" || moved.Account != "120@pbx2.example.com" {
			t.Errorf("WithTarget: %q account %q", moved.Config.Target, moved.Account)
		}
	}
}

func TestParseRetention(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"30d", 30 * 24 * time.Hour, true},
		{"1w", 7 * 24 * time.Hour, true},
		{"720h", 720 * time.Hour, true},
		{"0d", 0, false},
		{"-1h", 0, false},
		{"d", 0, false},
		{"soon", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRetention(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("ParseRetention(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}
