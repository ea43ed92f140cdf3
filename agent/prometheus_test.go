package agent

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/scenarios"
)

// A real Prometheus (Debian's package) scrapes a real agent probing a real
// Kamailio, both its /metrics (scheduled probes) and /probe with the
// blackbox-style relabelling; the test asks Prometheus's HTTP API what it
// stored.
func TestPrometheusScrapesAgent(t *testing.T) {
	bin := testpeers.Require(t, "prometheus")
	k := kamailio.Start(t)
	env := func(name string) (string, bool) {
		switch name {
		case "KAM_120":
			return k.Accounts["120"], true
		case "KAM_121_WRONG":
			return "not-" + k.Accounts["121"], true
		}
		return "", false
	}
	s := serve(t, fmt.Sprintf(`
[defaults]
server = %q
domain = %q
timeout = "2s"

[[probe]]
name = "alive"
kind = "options"
interval = "1s"

[[probe]]
name = "reg-ok"
kind = "register"
user = "120"
password_env = "KAM_120"
interval = "2s"

[[probe]]
name = "reg-wrong"
kind = "register"
user = "121"
password_env = "KAM_121_WRONG"
interval = "2s"
`, k.Addr("udp"), kamailio.DefaultRealm), WithLoadOptions(scenarios.WithLookupEnv(env)))
	agentAddr := strings.TrimPrefix(s.url, "http://")

	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sipprobe
    static_configs:
      - targets: [%[1]q]
  - job_name: sipprobe_probe
    metrics_path: /probe
    static_configs:
      - targets: [%[2]q]
        labels: {module: reg-ok}
      - targets: [%[2]q]
        labels: {module: reg-wrong}
    relabel_configs:
      - source_labels: [module]
        target_label: __param_module
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: %[1]q
`, agentAddr, k.Addr("udp"))
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := "127.0.0.1:" + strconv.Itoa(testpeers.FreePort(t))
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	if _, err := testpeers.StartProcess(t, cmd, filepath.Join(dir, "prometheus.log")); err != nil {
		t.Fatal(err)
	}

	// query returns Prometheus's samples of expr: labels → value.
	query := func(expr string) []promSample {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(expr))
		if err != nil {
			return nil
		}
		defer resp.Body.Close()
		var out struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
					Value  [2]any            `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.NewDecoder(resp.Body).Decode(&out) != nil || out.Status != "success" {
			return nil
		}
		var samples []promSample
		for _, r := range out.Data.Result {
			v, _ := strconv.ParseFloat(fmt.Sprint(r.Value[1]), 64)
			samples = append(samples, promSample{r.Metric, v})
		}
		return samples
	}
	find := func(samples []promSample, want map[string]string) (promSample, bool) {
	next:
		for _, s := range samples {
			for k, v := range want {
				if s.labels[k] != v {
					continue next
				}
			}
			return s, true
		}
		return promSample{}, false
	}
	for _, tc := range []struct {
		name  string
		expr  string
		match map[string]string
		want  float64
	}{
		{"scheduled options up", "sipprobe_probe_success", map[string]string{"job": "sipprobe", "name": "alive"}, 1},
		{"scheduled register up", "sipprobe_probe_success", map[string]string{"job": "sipprobe", "name": "reg-ok", "kind": "register"}, 1},
		{"scheduled wrong password down", "sipprobe_probe_success", map[string]string{"job": "sipprobe", "name": "reg-wrong"}, 0},
		{"scheduled wrong password diagnosed", "sipprobe_probe_diagnosis_info", map[string]string{"job": "sipprobe", "name": "reg-wrong", "id": "wrong-password", "severity": "critical"}, 1},
		{"scheduled runs counted", "sipprobe_probe_runs_total", map[string]string{"job": "sipprobe", "name": "reg-ok"}, -1},
		{"/probe register up", "sipprobe_probe_success", map[string]string{"job": "sipprobe_probe", "name": "reg-ok", "instance": k.Addr("udp")}, 1},
		{"/probe wrong password down", "sipprobe_probe_success", map[string]string{"job": "sipprobe_probe", "name": "reg-wrong"}, 0},
		{"/probe wrong password diagnosed", "sipprobe_probe_diagnosis_info", map[string]string{"job": "sipprobe_probe", "name": "reg-wrong", "id": "wrong-password"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got promSample
			eventually(t, tc.expr+" in Prometheus", func() bool {
				var ok bool
				got, ok = find(query(tc.expr), tc.match)
				return ok && (tc.want < 0 || got.value == tc.want)
			})
			t.Logf("%s%v = %v", tc.expr, got.labels, got.value)
		})
	}
	if t.Failed() {
		_, body := s.get(t, "/metrics")
		t.Logf("agent /metrics:\n%s", body)
	}
}

type promSample struct {
	labels map[string]string
	value  float64
}
