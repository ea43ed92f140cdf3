package probe

import (
	"errors"
	"testing"
)

func TestParseWSTarget(t *testing.T) {
	cases := []struct {
		name, in, host, path, transport, uri string
		port                                 int
		bad                                  bool
	}{
		{name: "Asterisk wss", in: "wss://pbx.example.com:8089/ws", host: "pbx.example.com", port: 8089, path: "/ws", transport: "wss", uri: "wss://pbx.example.com:8089/ws"},
		{name: "ws without port or path", in: "ws://pbx.example.com", host: "pbx.example.com", path: "/", transport: "ws", uri: "ws://pbx.example.com/"},
		{name: "IPv6 with query", in: "WS://[::1]:8080/sip?x=1", host: "::1", port: 8080, path: "/sip", transport: "ws", uri: "ws://[::1]:8080/sip"},
		{name: "a user", in: "wss://120@pbx/ws", bad: true},
		{name: "bad port", in: "ws://pbx:99999/ws", bad: true},
		{name: "http is still foreign", in: "http://pbx/ws", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTarget(tc.in)
			if tc.bad {
				if !errors.Is(err, ErrTarget) {
					t.Fatalf("parsed %+v, want ErrTarget", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Host != tc.host || got.Port != tc.port || got.Path != tc.path || got.Transport != tc.transport || got.uri() != tc.uri {
				t.Errorf("got %+v uri %s", got, got.uri())
			}
		})
	}
	t.Run("default ports are RFC 6455's", func(t *testing.T) {
		if defaultPort("ws") != 80 || defaultPort("wss") != 443 {
			t.Errorf("ws %d, wss %d", defaultPort("ws"), defaultPort("wss"))
		}
	})
	t.Run("sips with transport=ws is wss", func(t *testing.T) {
		got, err := parseTarget("sips:pbx.example.com:8089;transport=ws")
		if err != nil || got.Transport != "wss" {
			t.Errorf("got %+v, %v", got, err)
		}
	})
}
