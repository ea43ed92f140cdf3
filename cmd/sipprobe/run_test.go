package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/results"
)

func TestRunCheckAndInvalid(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	must(t, os.WriteFile(good, []byte("[[probe]]\nname='a'\nkind='options'\nserver='127.0.0.1:1'\n"), 0o600))
	must(t, os.WriteFile(bad, []byte("[defaults]\ntimeout=5\n[[probe]]\nname='a'\nkind='subscribe'\n"), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"check sends nothing", []string{"run", "--check", good}, 0, "OK, 1 probe, 1 result per run"},
		{"invalid file lists every problem", []string{"run", bad}, 3, "3 problems, nothing was sent"},
		{"no file", []string{"run"}, 3, "want exactly one scenario file"},
		{"bad output", []string{"run", good, "--output", "xml"}, 3, "--output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append([]string{"sipprobe"}, tc.args...), &out, &errb)
			if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Errorf("exit %d, want %d; output:\n%s%s", code, tc.code, out.String(), errb.String())
			}
		})
	}
}

// TestRunAgainstKamailio runs a real scenario file — passing, failing,
// negative-expectation and fan-out probes — against a real Kamailio, twice,
// with every output and the history.
func TestRunAgainstKamailio(t *testing.T) {
	kam := kamailio.Start(t)
	dir := t.TempDir()
	t.Setenv("KAM_120", kam.Accounts["120"])
	t.Setenv("KAM_WRONG", "not-the-password")
	t.Setenv("KAM_600", kam.Accounts["600"])
	scenario := fmt.Sprintf(`
[defaults]
server = %q
timeout = "2s"
`, kam.Addr("udp")) + fmt.Sprintf(`
[[probe]]
name = "alive"
kind = "options"
transports = ["udp", "tcp"]

[[probe]]
name = "alive-tls"
kind = "options"
server = %q
transport = "tls"
ca_file = %q

[[probe]]
name = "reg-120"
kind = "register"
user = "120"
domain = %q
password_env = "KAM_120"
expect = { code = 200, max_ms = 1500 }

[[probe]]
name = "wrong-password-refused"
kind = "register"
user = "121"
domain = %[3]q
password_env = "KAM_WRONG"
expect = { diagnosis = "wrong-password" }

[[probe]]
name = "fail-600"
kind = "register"
user = "600"
domain = %[3]q
password_env = "KAM_WRONG"

[[probe]]
name = "good-600"
kind = "register"
user = "600"
domain = %[3]q
password_env = "KAM_600"
`, kam.Addr("tls"), kam.Certs.CAFile, kam.Realm)
	path := filepath.Join(dir, "office.toml")
	must(t, os.WriteFile(path, []byte(scenario), 0o600))
	junit, jsonl, prom, db := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "m.prom"), filepath.Join(dir, "h.db")

	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"sipprobe", "run", path, "--parallel", "3", "--db", db, "--junit", junit, "--json", jsonl, "--prom-file", prom}, &out, &errb)
	t.Logf("first run:\n%s%s", out.String(), errb.String())
	if code != 2 {
		t.Fatalf("exit %d, want 2 (fail-600 is CRITICAL)", code)
	}
	rs := readJSONL(t, jsonl)
	want := map[string]struct {
		status results.Status
		diag   string
		sent   bool
	}{
		"alive/udp":              {results.StatusOK, "ok", true},
		"alive/tcp":              {results.StatusOK, "ok", true},
		"alive-tls":              {results.StatusOK, "ok", true},
		"reg-120":                {results.StatusOK, "ok", true}, // credentials accepted, bindings untouched
		"wrong-password-refused": {results.StatusOK, "wrong-password", true},
		"fail-600":               {results.StatusCritical, "wrong-password", true},
		// Ban safety: after fail-600 was refused, 600's credentials are not sent again.
		"good-600": {results.StatusCritical, "wrong-password", false},
	}
	t.Run("results", func(t *testing.T) {
		if len(rs) != len(want) {
			t.Fatalf("%d results, want %d", len(rs), len(want))
		}
		for _, r := range rs {
			w, ok := want[r.Name]
			if !ok {
				t.Errorf("unexpected result %s", r.Name)
				continue
			}
			if r.Status != w.status || r.Diagnosis.ID != w.diag || (r.FinalCode != 0) != w.sent {
				t.Errorf("%s: status %s diagnosis %s code %d; want %s %s sent=%v", r.Name, r.Status, r.Diagnosis.ID, r.FinalCode, w.status, w.diag, w.sent)
			}
		}
	})
	t.Run("junit", func(t *testing.T) {
		b, err := os.ReadFile(junit)
		must(t, err)
		var doc struct {
			Suites []struct {
				Name     string `xml:"name,attr"`
				Tests    int    `xml:"tests,attr"`
				Failures int    `xml:"failures,attr"`
				Cases    []struct {
					Name    string `xml:"name,attr"`
					Failure *struct {
						Body string `xml:",chardata"`
					} `xml:"failure"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		must(t, xml.Unmarshal(b, &doc))
		s := doc.Suites[0]
		if s.Name != "office" || s.Tests != 7 || s.Failures != 2 || len(s.Cases) != 7 {
			t.Errorf("suite %s tests %d failures %d", s.Name, s.Tests, s.Failures)
		}
		for _, c := range s.Cases {
			if c.Name == "fail-600" && (c.Failure == nil || !strings.Contains(c.Failure.Body, "REGISTER sip:")) {
				t.Errorf("fail-600 failure lacks the transcript: %+v", c.Failure)
			}
		}
	})
	t.Run("prom", func(t *testing.T) {
		f, err := os.Open(prom)
		must(t, err)
		defer f.Close()
		p := expfmt.NewTextParser(model.UTF8Validation)
		mfs, err := p.TextToMetricFamilies(f)
		must(t, err)
		if n := len(mfs["sipprobe_probe_success"].GetMetric()); n != 7 {
			t.Errorf("%d success series", n)
		}
	})

	// Second run: the history keeps 600 alone (refused within the
	// cool-down) and --notify-on-change prints only what changed.
	out.Reset()
	errb.Reset()
	code = run(context.Background(), []string{"sipprobe", "run", path, "--db", db, "--json", jsonl, "--notify-on-change"}, &out, &errb)
	t.Logf("second run:\n%s%s", out.String(), errb.String())
	if code != 2 {
		t.Errorf("second run exit %d", code)
	}
	for _, r := range readJSONL(t, jsonl) {
		if r.User == "600" && r.FinalCode != 0 {
			t.Errorf("%s sent 600's credentials again within the cool-down", r.Name)
		}
		if r.User == "600" && (r.NotSent == nil || r.NotSent.Reason != results.NotSentCooldown || r.NotSent.Until.IsZero()) {
			t.Errorf("%s: not_sent %+v, want the cool-down and its end", r.Name, r.NotSent)
		}
	}
	if strings.Contains(out.String(), "reg-120") || strings.Contains(out.String(), "alive") {
		t.Errorf("--notify-on-change printed unchanged probes:\n%s", out.String())
	}
}

func readJSONL(t *testing.T, path string) []results.Result {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	var rs []results.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r results.Result
		must(t, json.Unmarshal(sc.Bytes(), &r))
		rs = append(rs, r)
	}
	return rs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
