package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

// TestDemoCommand runs `sipprobe demo` end to end on loopback and checks
// the diagnosis ids of its JSON Lines, in order.
func TestDemoCommand(t *testing.T) {
	code, out, errOut := runCLI(t, "demo", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := []string{"ok", "ok", "wrong-password", "unknown-user", "ok", "codec-mismatch", "transport-mismatch", "port-unreachable"}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct {
			Name      string `json:"name"`
			Diagnosis struct {
				ID string `json:"id"`
			} `json:"diagnosis"`
			Expect *struct{} `json:"expect"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		// Exit 0 says each probe showed the diagnosis it was built for; the
		// results themselves carry no expectation, so a staged wrong
		// password reads CRITICAL as it would against a real PBX.
		if !strings.HasPrefix(r.Name, "demo-") || r.Expect != nil {
			t.Errorf("%s: not a demo probe, or an expectation in its result", r.Name)
		}
		got = append(got, r.Diagnosis.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("diagnoses %v, want %v", got, want)
	}
}

func TestDemoCommandText(t *testing.T) {
	code, out, errOut := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, id := range []string{"demo-wrong-password", "Diagnosis: transport-mismatch", "Diagnosis: port-unreachable", "Diagnosis: codec-mismatch", "8/8"} {
		if !strings.Contains(out, id) {
			t.Errorf("text output lacks %q", id)
		}
	}
}

func TestDemoCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"demo", "extra"}, {"demo", "--output", "xml"}, {"demo", "--lang", "xx"}} {
		if code, _, _ := runCLI(t, args...); code != 3 {
			t.Errorf("%v: exit %d, want 3", args, code)
		}
	}
}
