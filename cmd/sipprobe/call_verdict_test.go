package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// callee starts a SIPp UAS for one call on free loopback ports.
func callee(t *testing.T, scenario string) *sipp.Proc {
	t.Helper()
	return sipp.StartUAS(t, scenario, sipp.WithTimeout(20*time.Second),
		sipp.WithArgs("-mp", strconv.Itoa(testpeers.FreeUDPPort(t))))
}

func decodeResult(t *testing.T, out string) results.Result {
	t.Helper()
	var r results.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not one JSON result: %v\n%s", err, out)
	}
	return r
}

// refusingCallees are test calls that do not connect (issue 8): each is
// CRITICAL with its own diagnosis, unless a scenario expects it.
var refusingCallees = []struct {
	name   string
	uas    func() string
	args   []string // beyond --server, --user, --to
	id     string
	code   int
	expect string // the scenario's expectation that makes it OK
}{
	{name: "busy", uas: func() string { return sipp.RejectUAS(486, "Busy Here") }, id: "busy", code: 486, expect: "{ code = 486 }"},
	{name: "declined", uas: func() string { return sipp.RejectUAS(603, "Decline") }, id: "declined", code: 603, expect: "{ code = 603 }"},
	{name: "rings, nobody answers", uas: sipp.RingingUAS, args: []string{"--ring-timeout", "1s"}, id: "no-answer", code: 487,
		expect: `{ diagnosis = "no-answer" }`},
}

// Not parallel: urfave/cli shares its help flags between apps.

func TestInviteThatDoesNotConnectIsCritical(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tc := range refusingCallees {
		t.Run(tc.name, func(t *testing.T) {
			uas := callee(t, tc.uas())
			args := append([]string{"invite", "--server", uas.Addr(), "--user", "120", "--to", "600", "--no-fallback", "--output", "json"}, tc.args...)
			code, out, errOut := runMain(t, args...)
			r := decodeResult(t, out)
			if code != 2 || r.Status != results.StatusCritical || r.Diagnosis.ID != tc.id || r.FinalCode != tc.code {
				t.Errorf("exit %d, %s/%s, final %d; want exit 2, critical/%s, %d\n%s", code, r.Status, r.Diagnosis.ID, r.FinalCode, tc.id, tc.code, errOut)
			}
		})
	}
}

// TestInviteExpectFlag: the single-probe form of the same expectations.
func TestInviteExpectFlag(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tc := range []struct {
		name   string
		expect []string
		exit   int
		id     string
	}{
		{"busy expected by code", []string{"--expect-code", "486"}, 0, "busy"},
		{"busy expected by diagnosis", []string{"--expect-diagnosis", "busy"}, 0, "busy"},
		{"another code expected", []string{"--expect-code", "603"}, 2, "expectation-failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			uas := callee(t, sipp.RejectUAS(486, "Busy Here"))
			args := append([]string{"invite", "--server", uas.Addr(), "--user", "120", "--to", "600", "--no-fallback", "--output", "json"}, tc.expect...)
			code, out, errOut := runMain(t, args...)
			r := decodeResult(t, out)
			if code != tc.exit || r.Diagnosis.ID != tc.id || r.FinalCode != 486 {
				t.Errorf("exit %d %s %d, want exit %d %s 486\n%s", code, r.Diagnosis.ID, r.FinalCode, tc.exit, tc.id, errOut)
			}
		})
	}
}

func TestInviteThatDoesNotConnectAsExpected(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tc := range refusingCallees {
		t.Run(tc.name, func(t *testing.T) {
			uas := callee(t, tc.uas())
			dir := t.TempDir()
			ring := ""
			if len(tc.args) == 2 && tc.args[0] == "--ring-timeout" {
				ring = fmt.Sprintf("ring_timeout = %q\n", tc.args[1])
			}
			scenario := fmt.Sprintf(`[[probe]]
name = %q
kind = "invite"
server = %q
user = "120"
to = "600"
no_fallback = true
%sexpect = %s
`, tc.name, uas.Addr(), ring, tc.expect)
			path, jsonl := filepath.Join(dir, "calls.toml"), filepath.Join(dir, "r.jsonl")
			if err := os.WriteFile(path, []byte(scenario), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runMain(t, "run", path, "--json", jsonl, "--no-history")
			rs := readJSONL(t, jsonl)
			if code != 0 || len(rs) != 1 || rs[0].Status != results.StatusOK || rs[0].Diagnosis.ID != tc.id || rs[0].Expect == nil || !rs[0].Expect.Met {
				t.Errorf("exit %d, results %+v; want exit 0, ok with diagnosis %s, expectation met\n%s%s", code, rs, tc.id, out, errOut)
			}
		})
	}
}

// TestInterruptedCommands: Ctrl-C (the context of run canceled) gives
// UNKNOWN, exit 3, diagnosis canceled, and what was seen so far.
func TestInterruptedCommands(t *testing.T) {
	testpeers.Require(t, "sipp")
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	answering := callee(t, sipp.BasicUAS())
	for _, tc := range []struct {
		name  string
		args  []string
		after time.Duration
		check func(t *testing.T, r results.Result)
		text  string // in the text output
	}{
		{name: "options to a silent port", args: []string{"options", "--server", silent.LocalAddr().String(), "--no-fallback"}, after: 300 * time.Millisecond,
			check: func(t *testing.T, r results.Result) {
				if len(r.Messages) == 0 || !strings.HasPrefix(r.Messages[0].Raw, "OPTIONS ") || r.Observed != nil {
					t.Errorf("messages %+v, observed %+v", r.Messages, r.Observed)
				}
			}},
		{name: "invite during the hold", args: []string{"invite", "--server", answering.Addr(), "--user", "120", "--to", "600", "--hold", "5s", "--no-fallback"},
			after: 1500 * time.Millisecond, text: "Observed so far: ok — ",
			check: func(t *testing.T, r results.Result) {
				in := r.Details.Invite
				if r.Observed == nil || r.Observed.ID != "ok" || r.FinalCode != 200 || in.EndedBy != "sipprobe-bye" || in.ByeCode != 200 {
					t.Errorf("observed %+v, final %d, ended by %q, BYE answered %d", r.Observed, r.FinalCode, in.EndedBy, in.ByeCode)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(tc.after, cancel)
			var out, errOut bytes.Buffer
			code := run(ctx, append(append([]string{"sipprobe"}, tc.args...), "--output", "json"), &out, &errOut)
			r := decodeResult(t, out.String())
			if code != 3 || r.Status != results.StatusUnknown || r.Diagnosis.ID != "canceled" {
				t.Fatalf("exit %d, %s/%s; want exit 3, unknown/canceled\n%s", code, r.Status, r.Diagnosis.ID, errOut.String())
			}
			tc.check(t, r)
			if tc.text != "" {
				var text bytes.Buffer
				if err := results.WriteText(&text, r, results.TextOptions{}); err != nil || !strings.Contains(text.String(), tc.text) {
					t.Errorf("%q not in the text output:\n%s", tc.text, text.String())
				}
			}
		})
	}
}
