package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// seedHistory writes two runs: reg-120 went from ok to critical, opts stayed ok.
func seedHistory(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "history.db")
	s, err := history.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	r := func(name string, ago time.Duration, st results.Status, code int, diag string, ms float64) results.Result {
		return results.Result{Name: name, Probe: "register", Target: "sip:pbx.test", Transport: "udp", User: "120",
			StartedAt: now.Add(-ago), Status: st, FinalCode: code, Diagnosis: catalog.Diagnosis{ID: diag},
			Timings: results.Timings{Total: results.Millis(ms)}}
	}
	for _, x := range []struct {
		run string
		r   results.Result
	}{
		{"run-1", r("reg-120", 2*time.Hour, results.StatusOK, 200, "ok", 2)},
		{"run-1", r("opts", 2*time.Hour, results.StatusOK, 200, "ok", 1)},
		{"run-2", r("reg-120", time.Hour, results.StatusCritical, 403, "wrong-password", 4)},
		{"run-2", r("opts", time.Hour, results.StatusOK, 200, "ok", 1)},
	} {
		if err := s.Save(context.Background(), x.run, x.r); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"sipprobe"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHistoryCommandTable(t *testing.T) {
	db := seedHistory(t)
	code, out, errOut := runCLI(t, "history", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("want a header and two rows:\n%s", out)
	}
	// Rows are in name order: opts, then reg-120.
	if f := strings.Fields(lines[1]); f[0] != "opts" || f[1] != "OK" || f[len(f)-1] != "ok" {
		t.Errorf("opts row: %q", lines[1])
	}
	if f := strings.Fields(lines[2]); f[0] != "reg-120" || f[1] != "CRITICAL" || f[len(f)-1] != "wrong-password" || !strings.Contains(lines[2], "50.0%") {
		t.Errorf("reg-120 row: %q", lines[2])
	}
}

func TestHistoryCommandJSON(t *testing.T) {
	db := seedHistory(t)
	code, out, errOut := runCLI(t, "history", "--db", db, "--name", "reg-120", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	var got struct {
		Name          string   `json:"name"`
		Status        string   `json:"status"`
		StatusChanged bool     `json:"status_changed"`
		StatusSince   string   `json:"status_since"`
		Results       int      `json:"results"`
		Availability  *float64 `json:"availability_pct"`
		P95           *float64 `json:"p95_ms"`
		Recent        []struct {
			RunID     string `json:"run_id"`
			Diagnosis string `json:"diagnosis"`
		} `json:"recent"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if got.Name != "reg-120" || got.Status != "critical" || !got.StatusChanged || got.Results != 2 ||
		got.Availability == nil || *got.Availability != 50 || got.P95 == nil || *got.P95 != 4 ||
		len(got.Recent) != 2 || got.Recent[0].RunID != "run-2" || got.Recent[0].Diagnosis != "wrong-password" {
		t.Fatalf("summary = %+v", got)
	}
}

func TestHistoryCommandDetail(t *testing.T) {
	db := seedHistory(t)
	code, out, _ := runCLI(t, "history", "--name", "reg-120", "--db", db, "--since", "7d")
	if code != 0 || !strings.Contains(out, "run-2") || !strings.Contains(out, "wrong-password") || !strings.Contains(out, "CRITICAL since") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestHistoryCommandErrors(t *testing.T) {
	db := seedHistory(t)
	corrupt := filepath.Join(t.TempDir(), "corrupt.db")
	if err := os.WriteFile(corrupt, bytes.Repeat([]byte("garbage "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad-since", []string{"history", "--db", db, "--since", "yesterday"}, "--since"},
		{"bad-output", []string{"history", "--db", db, "--output", "xml"}, "--output"},
		{"stray-argument", []string{"history", "--db", db, "reg-120"}, "--name reg-120"},
		{"unknown-name", []string{"history", "--db", db, "--name", "nope"}, `no results for probe "nope"`},
		{"missing-db", []string{"history", "--db", missing}, "no results history yet"},
		{"corrupt-db", []string{"history", "--db", corrupt}, "not a valid database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != 3 || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, stderr %q; want 3 and %q", code, errOut, tt.wantErr)
			}
		})
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("history created %s", missing)
	}
}

func TestHistoryDefaultPath(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	code, _, errOut := runCLI(t, "history")
	if code != 3 || !strings.Contains(errOut, filepath.Join(state, "sipprobe", "history.db")) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
