package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// optionsAnswerer is a SIPp UAS that answers one OPTIONS with code: a
// softphone or server that does not serve OPTIONS, as seen in the field.
func optionsAnswerer(code int, reason string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options %[1]d">
  <recv request="OPTIONS" crlf="true"/>
  <send>
    <![CDATA[

      SIP/2.0 %[1]d %[2]s
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Server: SIPp softphone
      Content-Length: 0

    ]]>
  </send>
</scenario>
`, code, reason)
}

// probeJSON runs sipprobe with -o json and decodes its one result.
func probeJSON(t *testing.T, args ...string) (int, results.Result) {
	t.Helper()
	code, out, errOut := runMain(t, append(args, "--output", "json")...)
	var r results.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("exit %d, output is not one JSON result: %v\n%s%s", code, err, out, errOut)
	}
	return code, r
}

// TestOptionsVerdicts: OPTIONS asks "is the SIP service alive?", so any
// final answer proves it, except 408 and a 5xx that says the server is in
// trouble; a user in the target asks whether that user is reachable.
func TestOptionsVerdicts(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tc := range []struct {
		name   string
		code   int
		reason string
		user   string
		exit   int
		id     string
	}{
		{"404 from a softphone is alive", 404, "Not Found", "", 0, "options-answered"},
		{"403 is alive", 403, "Forbidden", "", 0, "options-forbidden"},
		{"501 is alive", 501, "Not Implemented", "", 0, "options-not-supported"},
		{"486 is alive", 486, "Busy Here", "", 0, "options-answered"},
		{"503 is down", 503, "Service Unavailable", "", 2, "service-unavailable"},
		{"a user that does not exist is not reachable", 404, "Not Found", "120", 2, "not-found"},
		{"a user that is offline is not reachable", 480, "Temporarily Unavailable", "120", 2, "temporarily-unavailable"},
		{"a busy user is reachable", 486, "Busy Here", "120", 0, "options-answered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uas := sipp.StartUAS(t, optionsAnswerer(tc.code, tc.reason), sipp.WithTimeout(15*time.Second))
			target := uas.Addr()
			if tc.user != "" {
				target = "sip:" + tc.user + "@" + target
			}
			exit, r := probeJSON(t, "options", "--server", target, "--no-fallback", "--timeout", "3s")
			if exit != tc.exit || r.Diagnosis.ID != tc.id || r.FinalCode != tc.code {
				t.Errorf("exit %d %s %d, want exit %d %s %d: %s", exit, r.Diagnosis.ID, r.FinalCode, tc.exit, tc.id, tc.code, r.Diagnosis.Summary)
			}
			if tc.user != "" && !strings.Contains(r.Messages[0].Raw, "OPTIONS sip:"+tc.user+"@") {
				t.Errorf("the Request-URI does not name the user:\n%s", r.Messages[0].Raw)
			}
			if err := uas.Wait(); err != nil {
				t.Errorf("sipp: %v", err)
			}
		})
	}
}

// TestRegisterVerdictsKamailio: register asks "are the credentials
// accepted?", and an expectation, when given, is the question instead.
func TestRegisterVerdictsKamailio(t *testing.T) {
	kam := kamailio.Start(t, kamailio.WithWrongPassword403())
	server := kam.Addr("udp")
	common := []string{"register", "--server", server, "--user", "120", "--domain", kam.Realm, "--no-fallback", "--timeout", "3s"}
	right, wrong := "--password="+kam.Accounts["120"], "--password=not-the-password"
	for _, tc := range []struct {
		name     string
		args     []string
		exit     int
		id       string
		observed string
		summary  string // part of the diagnosis summary
	}{
		{"accepted credentials without a device are ok", []string{right}, 0, "ok", "", ""},
		{"fewer contacts than asked", []string{right, "--expect-min-contacts", "1"}, 1, "no-contacts", "ok", "0 registered, expected at least 1"},
		{"refused credentials", []string{wrong}, 2, "wrong-password", "", ""},
		{"a negative test holds", []string{wrong, "--expect-diagnosis", "wrong-password"}, 0, "wrong-password", "", ""},
		{"a negative test by code holds", []string{wrong, "--expect-code", "403"}, 0, "wrong-password", "", ""},
		{"a failed expectation is not ok", []string{right, "--expect-code", "404"}, 2, "expectation-failed", "ok", "expected final code 404, got 200 OK"},
		{"slower than max_ms", []string{right, "--expect-max-ms", "0.001"}, 1, "slow-response", "ok", "more than max_ms 0.001"},
		{"slower than crit_ms", []string{right, "--expect-max-ms", "0.001", "--expect-crit-ms", "0.002"}, 2, "expectation-failed", "ok", "more than crit_ms 0.002"},
		{"fast enough", []string{right, "--expect-max-ms", "3000", "--expect-crit-ms", "4000"}, 0, "ok", "", ""},
		{"no password for the challenge could not run", nil, 3, "credentials-required", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exit, r := probeJSON(t, append(append([]string{}, common...), tc.args...)...)
			if exit != tc.exit || r.Diagnosis.ID != tc.id || r.Status.ExitCode() != exit {
				t.Fatalf("exit %d %s %s, want exit %d %s: %s", exit, r.Status, r.Diagnosis.ID, tc.exit, tc.id, r.Diagnosis.Summary)
			}
			if got := ""; r.Observed != nil || tc.observed != "" {
				if r.Observed != nil {
					got = r.Observed.ID
				}
				if got != tc.observed {
					t.Errorf("observed %q, want %q", got, tc.observed)
				}
			}
			if !strings.Contains(r.Diagnosis.Summary, tc.summary) {
				t.Errorf("summary %q does not say %q", r.Diagnosis.Summary, tc.summary)
			}
			if r.Status != results.StatusOK && r.Diagnosis.ID == "ok" {
				t.Errorf("a %s result reads ok", r.Status)
			}
			if r.FinalCode != 0 && (r.Details == nil || r.Details.ContactCount == nil) && r.FinalCode == 200 {
				t.Errorf("no contact count in the details")
			}
		})
	}
	t.Run("a registered phone counts", func(t *testing.T) {
		kam.AddContact(t, "120", "sip:120@127.0.0.1:5999", time.Minute)
		exit, r := probeJSON(t, append(append([]string{}, common...), right, "--expect-min-contacts", "1")...)
		if exit != 0 || r.Diagnosis.ID != "ok" || r.Details == nil || r.Details.ContactCount == nil || *r.Details.ContactCount != 1 {
			t.Errorf("exit %d %s, details %+v", exit, r.Diagnosis.ID, r.Details)
		}
	})
}

// TestAuthenticatedOptionsKamailio: with --user and a password, options
// answers one challenge, and refused credentials fail the check.
func TestAuthenticatedOptionsKamailio(t *testing.T) {
	kam := kamailio.Start(t, kamailio.WithOptionsAuth())
	common := []string{"options", "--server", kam.Addr("udp"), "--domain", kam.Realm, "--no-fallback", "--timeout", "3s"}
	for _, tc := range []struct {
		name      string
		args      []string
		exit      int
		id        string
		responses int
	}{
		{"a challenge without credentials is alive", nil, 0, "auth-required-alive", 1},
		{"authenticated OPTIONS gets 200", []string{"--user", "120", "--password", kam.Accounts["120"]}, 0, "ok", 2},
		{"refused credentials fail", []string{"--user", "120", "--password", "nope"}, 2, "wrong-password", 2},
		{"an expected 200 without credentials fails", []string{"--expect-code", "200"}, 2, "expectation-failed", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exit, r := probeJSON(t, append(append([]string{}, common...), tc.args...)...)
			if exit != tc.exit || r.Diagnosis.ID != tc.id || len(r.Responses) != tc.responses {
				t.Errorf("exit %d %s with %d responses, want exit %d %s with %d", exit, r.Diagnosis.ID, len(r.Responses), tc.exit, tc.id, tc.responses)
			}
		})
	}
}
