package scenarios

import "testing"

// TestDNSServerKey: dns_server (--dns-server) is inherited from [defaults]
// and may be overridden per probe, like every connection setting.
func TestDNSServerKey(t *testing.T) {
	doc := `
[defaults]
server = "pbx.example.com"
dns_server = "192.0.2.53"

[[probe]]
name = "inherits"
kind = "options"

[[probe]]
name = "overrides"
kind = "options"
dns_server = "[2001:db8::53]:5353"
`
	f, err := Parse("x.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{"inherits", "192.0.2.53"},
		{"overrides", "[2001:db8::53]:5353"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Probes[i].Config.DNSServer; got != tt.want {
				t.Errorf("DNSServer = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("absent means the system resolver", func(t *testing.T) {
		f, err := Parse("y.toml", []byte("[[probe]]\nname='a'\nkind='options'\nserver='pbx.example.com'\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Probes[0].Config.DNSServer; got != "" {
			t.Errorf("DNSServer = %q, want empty", got)
		}
	})
}
