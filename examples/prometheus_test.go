package examples

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

const (
	promConfig    = "prometheus/prometheus.yml"
	promRules     = "prometheus/rules/sipprobe.rules.yml"
	promRulesTest = "prometheus/rules/sipprobe.rules.test.yml"
)

// TestPrometheusExample runs promtool on the example as a user would
// before deploying it: the scrape config with its rule file, the rules,
// and the rules' unit tests (every alert firing and staying quiet).
func TestPrometheusExample(t *testing.T) {
	promtool := testpeers.Require(t, "promtool")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"check config", []string{"check", "config", promConfig}, "SUCCESS: " + promConfig + " is valid prometheus config file syntax"},
		{"check rules", []string{"check", "rules", promRules}, "SUCCESS: 6 rules found"},
		{"test rules", []string{"test", "rules", promRulesTest}, "SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(promtool, tt.args...).CombinedOutput()
			if err != nil || !strings.Contains(string(out), tt.want) {
				t.Errorf("promtool %s: %v, want %q in:\n%s", strings.Join(tt.args, " "), err, tt.want, out)
			}
		})
	}
}

var (
	alertRE     = regexp.MustCompile(`(?m)^\s*- alert: (\S+)$`)
	alertTestRE = regexp.MustCompile(`(?m)^\s*alertname: (\S+)\n\s*exp_alerts:( \[\])?$`)
)

// TestPrometheusRulesCoverage: every alert uses only the agent's metrics
// (and `up`), and the test file checks it both firing and staying quiet, so
// a new alert cannot go in untested.
func TestPrometheusRulesCoverage(t *testing.T) {
	rules := readFile(t, promRules)
	tests := readFile(t, promRulesTest)
	quiet, firing := map[string]bool{}, map[string]bool{}
	for _, m := range alertTestRE.FindAllStringSubmatch(tests, -1) {
		if m[2] != "" {
			quiet[m[1]] = true
		} else {
			firing[m[1]] = true
		}
	}
	exprs := ruleExprs(rules)
	alerts := alertRE.FindAllStringSubmatch(rules, -1)
	if len(alerts) == 0 || len(alerts) != len(exprs) {
		t.Fatalf("%d alerts and %d expressions in %s", len(alerts), len(exprs), promRules)
	}
	for i, m := range alerts {
		name := m[1]
		t.Run(name, func(t *testing.T) {
			checkMetrics(t, promRules, exprs[i], "up")
			if !firing[name] || !quiet[name] {
				t.Errorf("%s: tested firing %v, quiet %v; want both", promRulesTest, firing[name], quiet[name])
			}
		})
	}
}

// ruleExprs returns the expr of each rule in order: a one-line `expr: X`
// or a block `expr: |` with the more indented lines below it.
func ruleExprs(rules string) []string {
	var exprs []string
	lines := strings.Split(rules, "\n")
	for i := 0; i < len(lines); i++ {
		key, val, ok := strings.Cut(strings.TrimSpace(lines[i]), "expr:")
		if !ok || key != "" {
			continue
		}
		val = strings.TrimSpace(val)
		if val != "|" && val != ">-" {
			exprs = append(exprs, val)
			continue
		}
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		var block []string
		for i+1 < len(lines) {
			next := lines[i+1]
			if strings.TrimSpace(next) != "" && len(next)-len(strings.TrimLeft(next, " ")) <= indent {
				break
			}
			block = append(block, strings.TrimSpace(next))
			i++
		}
		exprs = append(exprs, strings.Join(block, " "))
	}
	return exprs
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
