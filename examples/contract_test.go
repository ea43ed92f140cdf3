package examples

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// isContractMetric reports whether name is a metric `sipprobe serve`
// exposes: the agent contract of issue 10, the names the Prometheus rules
// and the Grafana dashboard may use. A rename there must show up here.
func isContractMetric(name string) bool {
	switch name {
	case "sipprobe_probe_success",
		"sipprobe_probe_duration_seconds",
		"sipprobe_probe_setup_seconds",
		"sipprobe_probe_final_code",
		"sipprobe_probe_status",
		"sipprobe_probe_diagnosis_info",
		"sipprobe_tls_cert_expiry_timestamp_seconds",
		"sipprobe_register_contacts",
		"sipprobe_probe_runs_total",
		"sipprobe_config_last_reload_successful",
		"sipprobe_config_last_reload_success_timestamp_seconds":
		return true
	}
	return false
}

var (
	// What cannot hold a metric name: quoted strings (label values, regexps),
	// label matchers, range and subquery selectors, Grafana variables
	// ($name, ${name}, $__rate_interval), and numbers (1e3 must not leave
	// an "e3").
	promStringRE   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	promMatcherRE  = regexp.MustCompile(`\{[^{}]*\}|\[[^\[\]]*\]`)
	promVariableRE = regexp.MustCompile(`\$\{[^}]*\}|\$\w+`)
	promNumberRE   = regexp.MustCompile(`\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b`)
	// by (…), without (…), on (…), ignoring (…), group_left (…),
	// group_right (…): label lists, not metrics.
	promLabelListRE = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	// An identifier followed by "(" is a function or an aggregation.
	promIdentRE = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
)

// metricNames returns the metric names a PromQL expression selects: every
// identifier left once strings, matchers, variables, label lists,
// functions and keywords are taken out.
func metricNames(expr string) []string {
	s := promStringRE.ReplaceAllString(expr, " ")
	s = promMatcherRE.ReplaceAllString(s, " ")
	s = promVariableRE.ReplaceAllString(s, " ")
	s = promLabelListRE.ReplaceAllString(s, " ")
	s = promNumberRE.ReplaceAllString(s, " ")
	var names []string
	for _, m := range promIdentRE.FindAllStringSubmatch(s, -1) {
		if m[1] != "" {
			continue // function or aggregation
		}
		switch strings.ToLower(m[0]) {
		case "and", "or", "unless", "bool", "offset", "by", "without", "on",
			"ignoring", "group_left", "group_right", "atan2", "inf", "nan":
			continue
		}
		if !slices.Contains(names, m[0]) {
			names = append(names, m[0])
		}
	}
	return names
}

// checkMetrics fails t when expr uses a metric outside the contract (and
// the extra names allowed here, such as Prometheus's own `up`) or none at
// all: an expression without a metric means the extraction went wrong.
func checkMetrics(t *testing.T, where, expr string, extra ...string) {
	t.Helper()
	names := metricNames(expr)
	if len(names) == 0 {
		t.Errorf("%s: no metric found in %q", where, expr)
	}
	for _, n := range names {
		if !isContractMetric(n) && !slices.Contains(extra, n) {
			t.Errorf("%s: %q uses %s, which is not a metric of sipprobe serve", where, expr, n)
		}
	}
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		name, expr string
		want       []string
	}{
		{"selector", `sipprobe_probe_success{name=~"$name"}`, []string{"sipprobe_probe_success"}},
		{"join", `sipprobe_probe_diagnosis_info{id="wrong-password"} == 1 and ignoring (id, severity) sipprobe_probe_success == 0`,
			[]string{"sipprobe_probe_diagnosis_info", "sipprobe_probe_success"}},
		{"function and arithmetic", `(sipprobe_tls_cert_expiry_timestamp_seconds - time()) / 86400 < 14 * 86400`,
			[]string{"sipprobe_tls_cert_expiry_timestamp_seconds"}},
		{"aggregation and range", `sum by (status) (rate(sipprobe_probe_runs_total{name=~"$name"}[$__rate_interval])) * 60`,
			[]string{"sipprobe_probe_runs_total"}},
		{"old name is found", `sipprobe_final_code{name="x"} > 0`, []string{"sipprobe_final_code"}},
		{"label values in strings are not metrics", `sipprobe_probe_status{target="sip:up.example.com", id=~"time.*"}`,
			[]string{"sipprobe_probe_status"}},
		{"label_values query", `label_values(sipprobe_probe_success, name)`, []string{"sipprobe_probe_success", "name"}},
		{"exponent", `sipprobe_probe_setup_seconds > 2e3`, []string{"sipprobe_probe_setup_seconds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
				t.Errorf("metricNames(%q) = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}
