package scenarios

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestOnly(t *testing.T) {
	doc := `
[defaults]
server = "h"
[[probe]]
name = "alive"
kind = "options"
[[probe]]
name = "reg"
kind = "options"
transports = ["udp", "tcp", "tls"]
[[probe]]
name = "call"
kind = "options"
`
	f, err := Parse("o.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		only  []string
		want  []string // job names, in order
		error string
	}{
		{"one probe", []string{"call"}, []string{"call"}, ""},
		{"file order, not argument order", []string{"call", "alive"}, []string{"alive", "call"}, ""},
		{"fan-out base takes every transport", []string{"reg"}, []string{"reg/udp", "reg/tcp", "reg/tls"}, ""},
		{"one transport of a fan-out", []string{"reg/tls"}, []string{"reg/tls"}, ""},
		{"transports in declared order", []string{"reg/tls", "reg/udp"}, []string{"reg/udp", "reg/tls"}, ""},
		{"base and transport", []string{"reg/tcp", "reg"}, []string{"reg/udp", "reg/tcp", "reg/tls"}, ""},
		{"unknown with suggestion", []string{"alve"}, nil, `no such probe "alve" in o.toml (did you mean "alive"?)`},
		{"unknown transport", []string{"reg/sctp"}, nil, `no such probe "reg/sctp" in o.toml (did you mean "reg/tcp"?)`},
		{"unknown without suggestion", []string{"zzzzzzzz"}, nil, `no such probe "zzzzzzzz" in o.toml`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.Only(tc.only)
			if tc.error != "" {
				if !errors.Is(err, ErrUnknownProbe) || err.Error() != tc.error {
					t.Fatalf("got %v, want %s", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if names := got.Names(); !slices.Equal(names, tc.want) {
				t.Errorf("jobs %s, want %s", strings.Join(names, ","), strings.Join(tc.want, ","))
			}
			if got.Count() != len(tc.want) {
				t.Errorf("count %d", got.Count())
			}
		})
	}
	if len(f.Probes[1].Transports) != 3 {
		t.Error("Only changed the original file")
	}
}
