package history

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// TestImport: results not yet held are added, in order; the same result
// again (the same file imported twice, a duplicate line, or a shard whose
// agent saved it already) is not.
func TestImport(t *testing.T) {
	st := openTemp(t)
	ctx := context.Background()
	res := func(name string, at time.Duration) results.Result {
		return results.Result{Name: name, Probe: "register", Target: "sip:pbx", Transport: "udp", User: name,
			StartedAt: t0.Add(at), Status: results.StatusCritical, FinalCode: 403, Diagnosis: catalog.Diagnosis{ID: "wrong-password"}}
	}
	if err := st.Save(ctx, "run-1", res("mig/u1", 0)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		rs    []results.Result
		added int
	}{
		{"one already saved by a run, one new", []results.Result{res("mig/u1", 0), res("mig/u2", 0)}, 1},
		{"the same again", []results.Result{res("mig/u1", 0), res("mig/u2", 0)}, 0},
		{"a duplicate within the batch", []results.Result{res("mig/u3", 0), res("mig/u3", 0)}, 1},
		{"the same account later", []results.Result{res("mig/u1", time.Second)}, 1},
		{"nothing", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			added, err := st.Import(ctx, "import-1", tc.rs)
			if err != nil || added != tc.added {
				t.Fatalf("added %d, %v; want %d", added, err, tc.added)
			}
		})
	}
	sums, err := st.Summaries(ctx, Query{Since: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range sums {
		got[s.Name] = s.Results
	}
	if len(got) != 3 || got["mig/u1"] != 2 || got["mig/u2"] != 1 || got["mig/u3"] != 1 {
		t.Errorf("history holds %v, want mig/u1 2, mig/u2 1, mig/u3 1", got)
	}
	// Ban safety counts this machine's own runs only: fail2ban bans the
	// address that failed, and the imported results came from others.
	for _, tc := range []struct {
		user    string
		refused bool
	}{{"mig/u1", true}, {"mig/u2", false}, {"mig/u3", false}} {
		_, refused, err := st.RejectedRecently(ctx, AccountKey("sip:pbx", tc.user), t0.Add(-time.Hour))
		if err != nil || refused != tc.refused {
			t.Errorf("%s: refused %v, %v; want %v", tc.user, refused, err, tc.refused)
		}
	}
	// --notify-on-change compares with this machine's last run.
	if got, ok, err := st.LastStatus(ctx, "mig/u2"); err != nil || ok {
		t.Errorf("last status of an imported-only probe: %s, %v, %v; want none", got, ok, err)
	}
	logins, err := st.ServerLogins(ctx, "sip:pbx", t0.Add(-time.Hour), t0.Add(-time.Hour))
	if err != nil || logins.Refused != 1 {
		t.Errorf("server logins %+v, %v: want the one refusal of this machine's run", logins, err)
	}
}
