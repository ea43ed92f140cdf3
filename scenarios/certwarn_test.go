package scenarios

import (
	"testing"

	"github.com/sipprobe/sipprobe/probe"
)

// TestCertWarnDays: cert_warn_days in [defaults] and [[probe]], 0 meaning
// never as on the command line, unset meaning the engine's default.
func TestCertWarnDays(t *testing.T) {
	for _, tc := range []struct {
		name     string
		defaults string
		probe    string
		want     int
	}{
		{"unset", "", "", 0},
		{"from defaults", "cert_warn_days = 30", "", 30},
		{"probe overrides", "cert_warn_days = 30", "cert_warn_days = 7", 7},
		{"0 in the probe turns it off", "cert_warn_days = 30", "cert_warn_days = 0", probe.NoCertWarn},
		{"0 in defaults turns it off", "cert_warn_days = 0", "", probe.NoCertWarn},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := "[defaults]\nserver = \"sips:pbx.example.com\"\n" + tc.defaults +
				"\n\n[[probe]]\nname = \"alive\"\nkind = \"options\"\n" + tc.probe + "\n"
			f, err := Parse("x.toml", []byte(doc), WithLookupEnv(testEnv))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Probes[0].Config.CertWarnDays; got != tc.want {
				t.Errorf("CertWarnDays %d, want %d", got, tc.want)
			}
		})
	}
}
