package agent

import (
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/scenarios"
)

const fakeDoc = `
[serve]
retention = "1d"

[[probe]]
name = "alive"
kind = "options"
server = "pbx.example.com"
interval = "50ms"

[[probe]]
name = "reg"
kind = "register"
server = "pbx.example.com"
user = "120"
password_env = "PBX_PASSWORD"
targets = ["pbx2.example.com", "10.9.8.*:5060"]

[[probe]]
name = "open"
kind = "options"
server = "pbx.example.com"
any_target = true
`

func TestProbeEndpoint(t *testing.T) {
	f := &fakeProber{}
	s := serve(t, fakeDoc, WithRunnerOptions(scenarios.WithProber(f.run), scenarios.WithRateLimit(0)))
	for _, tc := range []struct {
		name, query string
		code        int
		body        string
		sent        bool
	}{
		{"unknown module", "?module=nope&target=pbx.example.com", 400, "unknown module", false},
		{"no module", "?target=pbx.example.com", 400, "module parameter is missing", false},
		{"bad target", "?module=reg&target=sip:evil.example", 400, "want HOST or HOST:PORT", false},
		{"credentials to an unlisted target", "?module=reg&target=evil.example:5060", 403, "target not allowed", false},
		{"credentials to a listed target", "?module=reg&target=pbx2.example.com", 200, `sipprobe_probe_success{kind="register",name="reg",target="sip:pbx2.example.com",transport="udp"} 1`, true},
		{"credentials to a glob", "?module=reg&target=10.9.8.7:5060", 200, `sipprobe_probe_final_code{kind="register",name="reg",target="sip:10.9.8.7:5060",transport="udp"} 200`, true},
		{"no credentials, unlisted, no any_target", "?module=alive&target=other.example", 403, "target not allowed", false},
		{"any_target", "?module=open&target=other.example", 200, `sipprobe_probe_diagnosis_info{id="ok",kind="options",name="open",severity="ok",target="sip:other.example",transport="udp"} 1`, true},
		{"debug", "?module=open&target=other.example&debug=true", 200, "OPTIONS sip:other.example SIP/2.0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count()
			code, body := s.get(t, "/probe"+tc.query)
			if code != tc.code || !strings.Contains(body, tc.body) {
				t.Fatalf("got %d\n%s\nwant %d with %q", code, body, tc.code, tc.body)
			}
			// The schedule of "alive" runs meanwhile: count the
			// on-demand targets only.
			sent := false
			f.mu.Lock()
			for _, c := range f.calls[before:] {
				if c.Target != "pbx.example.com" {
					sent = true
				}
			}
			f.mu.Unlock()
			if sent != tc.sent {
				t.Errorf("probe sent = %v, want %v", sent, tc.sent)
			}
			if code == 200 && !strings.Contains(tc.query, "debug") && strings.Contains(body, "go_goroutines") {
				t.Error("/probe answers with the agent's own metrics; want the probe's only")
			}
		})
	}
}

// The scrape timeout header bounds the probe: its own timeout and its context.
func TestProbeScrapeTimeout(t *testing.T) {
	f := &fakeProber{block: true}
	s := serve(t, fakeDoc, WithRunnerOptions(scenarios.WithProber(f.run), scenarios.WithRateLimit(0)))
	code, body := s.get(t, "/probe?module=open&target=x.example", "X-Prometheus-Scrape-Timeout-Seconds", "1.5")
	if code != 200 || !strings.Contains(body, `sipprobe_probe_success{kind="options",name="open",target="sip:x.example",transport="udp"} 0`) {
		t.Fatalf("got %d\n%s", code, body)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c.Target == "x.example" && c.Timeout != 750*time.Millisecond {
			t.Errorf("probe timeout %v, want the scrape timeout minus the margin and the wrap-up reserve (750ms)", c.Timeout)
		}
	}
}

func TestScheduledMetricsAndPages(t *testing.T) {
	f := &fakeProber{}
	s := serve(t, fakeDoc, WithRunnerOptions(scenarios.WithProber(f.run), scenarios.WithRateLimit(0)))
	eventually(t, "a scheduled result on /metrics", func() bool {
		_, body := s.get(t, "/metrics")
		v, _, ok := series(parseMetrics(t, body), "sipprobe_probe_runs_total", map[string]string{"name": "alive", "status": "ok"})
		return ok && v >= 2
	})
	_, body := s.get(t, "/metrics")
	mfs := parseMetrics(t, body)
	for _, m := range []string{"sipprobe_probe_success", "sipprobe_probe_status", "sipprobe_probe_duration_seconds", "sipprobe_probe_final_code", "sipprobe_probe_diagnosis_info", "sipprobe_config_last_reload_successful", "go_goroutines", "process_resident_memory_bytes"} {
		if mfs[m] == nil {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	if _, _, ok := series(mfs, "sipprobe_probe_success", map[string]string{"name": "reg"}); ok {
		t.Error("an unscheduled probe has series on /metrics")
	}
	for _, tc := range []struct{ path, want string }{
		{"/-/healthy", "Healthy"},
		{"/-/ready", "Ready"},
		{"/", `data-name="alive"`}, // the status page of page.go, filled from the schedule
		{"/", "st-ok"},
		{"/probe/alive/last", "has not failed since the agent started"},
	} {
		if code, body := s.get(t, tc.path); code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d\n%s", tc.path, code, body)
		}
	}
	if code, _ := s.get(t, "/probe/nope/last"); code != http.StatusNotFound {
		t.Errorf("/probe/nope/last: %d", code)
	}
}

func TestReload(t *testing.T) {
	f := &fakeProber{}
	s := serve(t, fakeDoc, WithRunnerOptions(scenarios.WithProber(f.run), scenarios.WithRateLimit(0)), WithLifecycle(true))
	reload := func() int {
		resp, err := http.Post(s.url+"/-/reload", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	reloadOK := func() float64 {
		_, body := s.get(t, "/metrics")
		v, _, _ := series(parseMetrics(t, body), "sipprobe_config_last_reload_successful", nil)
		return v
	}
	if err := os.WriteFile(s.path, []byte(fakeDoc+"\n[[probe]]\nname = \"broken\"\nkind = \"nope\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := reload(); code != http.StatusInternalServerError {
		t.Fatalf("broken reload answered %d", code)
	}
	if v := reloadOK(); v != 0 {
		t.Errorf("sipprobe_config_last_reload_successful = %v after a refused reload", v)
	}
	if n := len(s.Config().File.Probes); n != 3 {
		t.Errorf("configuration in force has %d probes, want the old 3", n)
	}
	// The old schedule goes on.
	before := f.count()
	eventually(t, "the old schedule to go on", func() bool { return f.count() > before })

	changed := strings.Replace(fakeDoc, `name = "alive"`, `name = "alive2"`, 1)
	if err := os.WriteFile(s.path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := reload(); code != http.StatusOK {
		t.Fatalf("good reload answered %d", code)
	}
	if v := reloadOK(); v != 1 {
		t.Errorf("sipprobe_config_last_reload_successful = %v after a good reload", v)
	}
	eventually(t, "the new probe on /metrics, the old one gone", func() bool {
		_, body := s.get(t, "/metrics")
		mfs := parseMetrics(t, body)
		_, _, newOK := series(mfs, "sipprobe_probe_success", map[string]string{"name": "alive2"})
		_, _, oldOK := series(mfs, "sipprobe_probe_success", map[string]string{"name": "alive"})
		return newOK && !oldOK
	})
}

// A module with credentials pointed at an unlisted target: 403, and a UDP
// listener there receives nothing (the real prober, no fake).
func TestProbeRefusedSendsNothing(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	s := serve(t, `
[[probe]]
name = "reg"
kind = "register"
server = "127.0.0.2"
user = "120"
password_env = "PBX_PASSWORD"
`)
	code, body := s.get(t, "/probe?module=reg&target="+pc.LocalAddr().String())
	if code != http.StatusForbidden {
		t.Fatalf("got %d\n%s", code, body)
	}
	// Whatever a probe would have sent was due within milliseconds.
	_ = pc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	buf := make([]byte, 2048)
	if n, from, err := pc.ReadFrom(buf); err == nil {
		t.Fatalf("the listener received %d bytes from %s:\n%s", n, from, buf[:n])
	}
}

// Without --web.enable-lifecycle, POST /-/reload is refused and the file
// is not read again: anyone who can reach an unauthenticated port must
// not be able to reload the agent.
func TestReloadNeedsLifecycle(t *testing.T) {
	f := &fakeProber{}
	s := serve(t, fakeDoc, WithRunnerOptions(scenarios.WithProber(f.run), scenarios.WithRateLimit(0)))
	changed := strings.Replace(fakeDoc, `name = "alive"`, `name = "alive2"`, 1)
	if err := os.WriteFile(s.path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.url+"/-/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "--web.enable-lifecycle") {
		t.Errorf("POST /-/reload without the lifecycle API: %d %q, want 403 naming --web.enable-lifecycle", resp.StatusCode, body)
	}
	for _, p := range s.Config().File.Probes {
		if p.Name == "alive2" {
			t.Error("the refused reload read the changed file")
		}
	}
}
