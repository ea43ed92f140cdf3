package history

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// TestHistoryNeverShowsOKForAFailure: the history lists a probe whose
// expectation failed under the diagnosis that explains its status
// (expectation-failed, slow-response, no-contacts), never as "ok" — the
// last of the renderers of issue 8's property (results/verdict_test.go has
// the others).
func TestHistoryNeverShowsOKForAFailure(t *testing.T) {
	cat := catalog.Default()
	s := openTemp(t)
	zero := 0
	ok := res("x", t0, results.StatusOK, 200, "ok", 5)
	ok.Diagnosis, _ = cat.Lookup("ok", catalog.EN)
	ok.Details = &results.Details{ContactCount: &zero}
	for i, e := range []results.Expectation{{Code: 404}, {Diagnosis: "wrong-password"}, {MaxMs: 1}, {MaxMs: 1, CritMs: 2}, {MinContacts: 1}} {
		r := e.Judge(ok, cat, catalog.EN)
		r.Name = "p" + string(rune('a'+i))
		if r.Status == results.StatusOK {
			t.Fatalf("%+v: expectation met", e)
		}
		mustSave(t, s, "run1", r)
	}
	sums, err := s.Summaries(context.Background(), Query{Since: t0.Add(-1)})
	if err != nil || len(sums) != 5 {
		t.Fatalf("%d summaries, %v", len(sums), err)
	}
	for _, detail := range []bool{false, true} {
		var b bytes.Buffer
		if err := WriteText(&b, sums, TextOptions{Now: t0, Detail: detail, Loc: t0.Location()}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			f := strings.Fields(line)
			if (strings.Contains(line, "WARNING") || strings.Contains(line, "CRITICAL")) && len(f) > 0 && f[len(f)-1] == "ok" ||
				strings.Contains(line, " ok ") && !strings.Contains(line, "results ok or warning") {
				t.Errorf("detail=%v: a failed probe reads ok: %q", detail, line)
			}
		}
	}
	for _, sum := range sums {
		if sum.Recent[0].Diagnosis == "ok" {
			t.Errorf("%s: last diagnosis ok with status %s", sum.Name, sum.Status)
		}
	}
}
