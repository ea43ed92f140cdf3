package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
)

func runCatalog(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	code := run(context.Background(), append([]string{"sipprobe", "catalog"}, args...), &o, &e)
	return code, o.String(), e.String()
}

func TestCatalogCommand(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C")
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		jsonID   string
		notInOut string
	}{
		{name: "list", args: []string{"list"}, stdout: []string{"ID", "SEVERITY", "CODES", "wrong-password", "unknown-4xx", "4xx", "busy", "486"}},
		{name: "show", args: []string{"show", "nat-timeout"}, stdout: []string{"nat-timeout (critical)", "Likely causes:", "What to do:", "--transport tcp"}},
		{name: "show ru by flag", args: []string{"show", "nat-timeout", "--lang", "ru"}, stdout: []string{"Вероятные причины:", "Что делать:"}},
		{name: "show json", args: []string{"show", "busy", "--output", "json"}, jsonID: "busy"},
		{name: "explain code and phrase", args: []string{"explain", "403", "Wrong Guess"}, stdout: []string{"wrong-password (critical)"}},
		{name: "explain unquoted phrase", args: []string{"explain", "403", "Wrong", "Guess"}, code: 3, stderr: `quote a phrase of several words: sipprobe catalog explain 403 "Wrong Guess"`},
		{name: "explain extra word", args: []string{"explain", "503", "Service Unavailable", "extra"}, code: 3, stderr: `got 3 arguments`},
		{name: "explain quoted phrase json", args: []string{"explain", "--output", "json", "403", "No Such User"}, jsonID: "unknown-user"},
		{name: "explain flags after args", args: []string{"explain", "488", "--output", "json"}, jsonID: "codec-mismatch"},
		{name: "explain vendor phrase note", args: []string{"explain", "480", "Odd Words"}, stdout: []string{"temporarily-unavailable", `"480 Odd Words"`}},
		{name: "explain timeout", args: []string{"explain", "timeout"}, stdout: []string{"nat-timeout"}},
		{name: "explain tls kind", args: []string{"explain", "tls", "expired"}, stdout: []string{"expired"}},
		{name: "explain refused", args: []string{"explain", "refused", "-o", "json"}, jsonID: "port-unreachable"},
		{name: "explain unknown", args: []string{"explain", "banana"}, code: 3, stderr: "nothing in the catalogue matches"},
		{name: "explain nothing", args: []string{"explain"}, code: 3, stderr: "Run 'sipprobe catalog --help'"},
		{name: "show unknown id", args: []string{"show", "no-such-id"}, code: 3, stderr: "unknown diagnosis id"},
		{name: "show no id", args: []string{"show"}, code: 3, stderr: "exactly one diagnosis id"},
		{name: "bad output", args: []string{"list", "--output", "xml"}, code: 3, stderr: "--output"},
		{name: "bad lang", args: []string{"show", "busy", "--lang", "de"}, code: 3, stderr: "--lang"},
		{name: "no subcommand", args: nil, code: 3, stderr: "want a subcommand"},
		{name: "unknown subcommand", args: []string{"frobnicate"}, code: 3, stderr: "unknown subcommand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCatalog(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if tc.stderr != "" && !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut)
			}
			if tc.jsonID != "" {
				var d catalog.Diagnosis
				if err := json.Unmarshal([]byte(out), &d); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
				if d.ID != tc.jsonID || d.Summary == "" || len(d.Causes) == 0 || len(d.Remedies) == 0 {
					t.Errorf("got %+v, want id %s", d, tc.jsonID)
				}
			}
		})
	}
}

func TestCatalogListJSON(t *testing.T) {
	code, out, errOut := runCatalog(t, "list", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var entries []catalog.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(catalog.Default().Entries()) || len(entries) < 100 {
		t.Fatalf("%d entries", len(entries))
	}
}

func TestCatalogLangFromEnv(t *testing.T) {
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
	code, out, _ := runCatalog(t, "explain", "486")
	if code != 0 || !strings.Contains(out, "Вызываемый абонент занят") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
