package examples

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

const grafanaDashboard = "grafana/sipprobe-dashboard.json"

type grafanaDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type grafanaPanel struct {
	ID         int                `json:"id"`
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Datasource *grafanaDatasource `json:"datasource"`
	Targets    []struct {
		Expr       string             `json:"expr"`
		Datasource *grafanaDatasource `json:"datasource"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // of a collapsed row
}

type grafanaDashboardJSON struct {
	SchemaVersion int            `json:"schemaVersion"`
	UID           string         `json:"uid"`
	Panels        []grafanaPanel `json:"panels"`
	Templating    struct {
		List []struct {
			Name       string             `json:"name"`
			Type       string             `json:"type"`
			Query      json.RawMessage    `json:"query"`
			Definition string             `json:"definition"`
			Datasource *grafanaDatasource `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

// The data source every panel and query must use: the dashboard's own
// variable, so that importing it asks for a Prometheus instead of pointing
// at a uid from the machine it was made on.
var grafanaDS = grafanaDatasource{Type: "prometheus", UID: "${datasource}"}

var labelValuesRE = regexp.MustCompile(`^label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,\s*name\s*\)$`)

func loadDashboard(t *testing.T) (grafanaDashboardJSON, []grafanaPanel) {
	t.Helper()
	var d grafanaDashboardJSON
	if err := json.Unmarshal([]byte(readFile(t, grafanaDashboard)), &d); err != nil {
		t.Fatalf("%s: %v", grafanaDashboard, err)
	}
	var panels []grafanaPanel
	for _, p := range d.Panels {
		panels = append(panels, p)
		panels = append(panels, p.Panels...)
	}
	return d, panels
}

// TestGrafanaDashboard checks the dashboard against the metric contract:
// every query selects only metrics `sipprobe serve` exposes, filtered by
// the probe-name variable, through the data-source variable; and the
// panels an operator needs are there.
func TestGrafanaDashboard(t *testing.T) {
	d, panels := loadDashboard(t)
	if d.SchemaVersion < 36 || d.SchemaVersion > 41 {
		t.Errorf("schemaVersion %d, want one Grafana 9–11 imports as is (36–41)", d.SchemaVersion)
	}
	if d.UID == "" {
		t.Error("no uid: every import would make a new dashboard")
	}

	t.Run("variables", func(t *testing.T) {
		vars := map[string]bool{}
		for _, v := range d.Templating.List {
			switch v.Name {
			case "datasource":
				if v.Type != "datasource" || string(v.Query) != `"prometheus"` {
					t.Errorf("datasource: type %q, query %s; want a prometheus data-source variable", v.Type, v.Query)
				}
			case "name":
				m := labelValuesRE.FindStringSubmatch(v.Definition)
				if v.Type != "query" || m == nil || !isContractMetric(m[1]) {
					t.Errorf("name: type %q, definition %q; want label_values(<contract metric>, name)", v.Type, v.Definition)
				}
				if v.Datasource == nil || *v.Datasource != grafanaDS {
					t.Errorf("name: data source %+v, want %+v", v.Datasource, grafanaDS)
				}
			}
			vars[v.Name] = true
		}
		for _, want := range []string{"datasource", "name"} {
			if !vars[want] {
				t.Errorf("no $%s variable", want)
			}
		}
	})

	ids := map[int]string{}
	for _, p := range panels {
		if p.Type == "row" {
			continue
		}
		t.Run(p.Title, func(t *testing.T) {
			if other, dup := ids[p.ID]; dup {
				t.Errorf("id %d also used by %q", p.ID, other)
			}
			ids[p.ID] = p.Title
			if p.Datasource == nil || *p.Datasource != grafanaDS {
				t.Errorf("data source %+v, want %+v", p.Datasource, grafanaDS)
			}
			if len(p.Targets) == 0 {
				t.Fatal("no query")
			}
			for _, q := range p.Targets {
				checkMetrics(t, p.Title, q.Expr)
				if q.Datasource == nil || *q.Datasource != grafanaDS {
					t.Errorf("query data source %+v, want %+v", q.Datasource, grafanaDS)
				}
				if !strings.Contains(q.Expr, `name=~"$name"`) {
					t.Errorf("%q ignores the probe selection (want name=~\"$name\")", q.Expr)
				}
			}
		})
	}

	// What the issue asks the dashboard to show, by panel type and metric.
	wanted := []struct{ what, metric string }{
		{"success by probe", "sipprobe_probe_success"},
		{"setup time", "sipprobe_probe_setup_seconds"},
		{"duration", "sipprobe_probe_duration_seconds"},
		{"diagnosis table", "sipprobe_probe_diagnosis_info"},
		{"certificate days left", "sipprobe_tls_cert_expiry_timestamp_seconds"},
	}
	for _, w := range wanted {
		found := false
		for _, p := range panels {
			for _, q := range p.Targets {
				if strings.Contains(q.Expr, w.metric) && (w.what != "diagnosis table" || p.Type == "table") {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no panel for %s (%s)", w.what, w.metric)
		}
	}
}

// TestGrafanaDashboardPromQL has promtool parse every query of the
// dashboard, as recording rules with Grafana's variables filled in, so a
// typo in PromQL fails here rather than as an empty panel.
func TestGrafanaDashboardPromQL(t *testing.T) {
	promtool := testpeers.Require(t, "promtool")
	_, panels := loadDashboard(t)
	fill := strings.NewReplacer(`$__rate_interval`, "5m", `$__interval`, "1m", `$__range`, "1h", `$name`, ".*")
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	n := 0
	for _, p := range panels {
		for _, q := range p.Targets {
			n++
			fmt.Fprintf(&b, "      - record: dashboard:panel_%d:query_%d\n        expr: %s\n", p.ID, n, strconv.Quote(fill.Replace(q.Expr)))
		}
	}
	path := filepath.Join(t.TempDir(), "dashboard.rules.yml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput()
	if want := fmt.Sprintf("SUCCESS: %d rules found", n); err != nil || !strings.Contains(string(out), want) {
		t.Errorf("promtool check rules on the dashboard's queries: %v, want %q in:\n%s\n%s", err, want, out, b.String())
	}
}
