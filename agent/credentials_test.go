package agent

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/scenarios"
)

// After a refusal the account is cooled down; a reload with the same
// credentials keeps it so, a reload with fixed ones tries them at once.
func TestReloadWithFixedCredentialsRetries(t *testing.T) {
	pbx := startPBX(t, testpbx.WithAccount("120", "fixed"))
	env := func(name string) (string, bool) {
		switch name {
		case "PBX_PASSWORD":
			return "secret", true
		case "FIXED_PASSWORD":
			return "fixed", true
		}
		return "", false
	}
	doc := func(envName string) string {
		return fmt.Sprintf(`
[[probe]]
name = "reg"
kind = "register"
server = %q
user = "120"
password_env = %q
interval = "100ms"
timeout = "2s"
`, pbx.Addr("udp"), envName)
	}
	var logs syncBuffer
	s := serve(t, doc("PBX_PASSWORD"), WithLoadOptions(scenarios.WithLookupEnv(env)), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	sent := func() int {
		n := 0
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "msg=probe") && !strings.Contains(l, "not_sent=") {
				n++
			}
		}
		return n
	}
	notSent := func() int { return strings.Count(logs.String(), "not_sent=") }
	eventually(t, "a refusal, then a run not sent", func() bool { return notSent() >= 1 })

	t.Run("reload with the same credentials", func(t *testing.T) {
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
		from := notSent()
		eventually(t, "three more runs", func() bool { return notSent() >= from+3 })
		if n := sent(); n != 1 {
			t.Errorf("%d probes sent, want the first refusal only\n%s", n, logs.String())
		}
	})
	t.Run("reload with fixed credentials", func(t *testing.T) {
		if err := os.WriteFile(s.path, []byte(doc("FIXED_PASSWORD")), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the fixed password accepted", func() bool {
			_, body := s.get(t, "/metrics")
			v, _, ok := series(parseMetrics(t, body), "sipprobe_probe_status", map[string]string{"name": "reg"})
			return ok && v == 0
		})
		if strings.Contains(logs.String(), "fixed") {
			t.Error("the log holds the password")
		}
	})
}
