package scenarios

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// readAll collects the rows and the problems of an accounts document.
func readAll(t *testing.T, doc string, mode os.FileMode) ([]Account, []string, error) {
	t.Helper()
	a, err := NewAccountsReader("acc.csv", strings.NewReader(doc), mode)
	if err != nil {
		return nil, nil, err
	}
	var rows []Account
	var bad []string
	for {
		acc, err := a.Next()
		if errors.Is(err, io.EOF) {
			return rows, bad, nil
		}
		if errors.Is(err, ErrBadRow) {
			bad = append(bad, err.Error())
			continue
		}
		if err != nil {
			return rows, bad, err
		}
		rows = append(rows, acc)
	}
}

func TestAccountsReader(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		mode     os.FileMode
		users    []string
		bad      []string // substrings, one per bad row, in order
		fileErr  string   // substring of a whole-file error
		password string   // of the first row
	}{
		{name: "user only", doc: "user\n120\n121\n", mode: 0o644, users: []string{"120", "121"}},
		{name: "header case and spaces, comments, BOM", doc: "\ufeffUser, Domain\n# a comment\n120, pbx.test\n", mode: 0o644, users: []string{"120"}},
		{name: "password in a 0600 file", doc: "user,password\n120,secret\n", mode: 0o600, users: []string{"120"}, password: "secret"},
		{name: "password column in a 0644 file", doc: "user,password\n120,secret\n", mode: 0o644, fileErr: "needs the file to be mode 0600 (it is 0644"},
		{name: "password column in a 0640 file", doc: "user,password\n120,secret\n", mode: 0o640, fileErr: "mode 0600"},
		{name: "unknown column", doc: "user,pasword\n120,x\n", mode: 0o600, fileErr: `acc.csv:1: unknown column "pasword" (column 2)`},
		{name: "column twice", doc: "user,user\n120,121\n", mode: 0o600, fileErr: `column "user" given twice`},
		{name: "no user column", doc: "domain\npbx\n", mode: 0o600, fileErr: "no user column"},
		{name: "empty file", doc: "", mode: 0o600, fileErr: "empty"},
		{name: "empty user", doc: "user,domain\n,pbx\n121,pbx\n", mode: 0o644, users: []string{"121"}, bad: []string{"acc.csv:2: empty user"}},
		{name: "wrong column count", doc: "user,domain\n120\n121,pbx,extra\n122,pbx\n", mode: 0o644, users: []string{"122"},
			bad: []string{"acc.csv:2: 1 field, the header has 2", "acc.csv:3: 3 fields, the header has 2"}},
		{name: "both password sources", doc: "user,password,password_env\n120,a,B\n", mode: 0o600, bad: []string{"acc.csv:2: give either password or password_env"}},
		{name: "space in user", doc: "user\n1 20\n", mode: 0o644, bad: []string{`acc.csv:2: user "1 20" contains a space`}},
		{name: "bare quote goes on", doc: "user\n12\"0\n121\n", mode: 0o644, users: []string{"121"}, bad: []string{"acc.csv:2: CSV: bare"}},
		{name: "line too long", doc: "user\n" + strings.Repeat("x", maxAccountLine+1) + "\n", mode: 0o644, fileErr: "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, bad, err := readAll(t, tc.doc, tc.mode)
			if tc.fileErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fileErr) {
					t.Fatalf("error %v, want one with %q", err, tc.fileErr)
				}
				if errors.Is(err, ErrBadRow) {
					t.Fatalf("%v is a file error, not a row's", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var users []string
			for _, r := range rows {
				users = append(users, r.User)
			}
			if fmt.Sprint(users) != fmt.Sprint(tc.users) {
				t.Errorf("users %v, want %v", users, tc.users)
			}
			if len(bad) != len(tc.bad) {
				t.Fatalf("bad rows %q, want %d", bad, len(tc.bad))
			}
			for i := range bad {
				if !strings.Contains(bad[i], tc.bad[i]) {
					t.Errorf("bad row %q, want %q", bad[i], tc.bad[i])
				}
			}
			if tc.password != "" && rows[0].Password != tc.password {
				t.Errorf("password %q, want %q", rows[0].Password, tc.password)
			}
		})
	}
}

// FuzzAccountsCSV: any bytes give rows, bad rows or a file error, never a
// panic; a row's user is never empty and holds no control character.
func FuzzAccountsCSV(f *testing.F) {
	f.Add([]byte("user,password,password_env,auth_user,domain,server,transport\n120,s,,,pbx,127.0.0.1,udp\n"))
	f.Add([]byte("user\n\"12\n0\"\n,\n"))
	f.Add([]byte("\ufeffuser;domain\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := NewAccountsReader("fuzz.csv", strings.NewReader(string(data)), 0o600)
		if err != nil {
			return
		}
		for range len(data) + 2 {
			acc, err := a.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				if errors.Is(err, ErrBadRow) {
					continue
				}
				return
			}
			if acc.User == "" || strings.ContainsFunc(acc.User, isSpaceOrControl) {
				t.Fatalf("row user %q", acc.User)
			}
		}
		t.Fatalf("more rows than bytes")
	})
}

// sweepFile writes a scenario with one accounts entry.
func sweepFile(t *testing.T, accounts string) *File {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "s.toml")
	body := fmt.Sprintf("[defaults]\nserver = \"127.0.0.1:5999\"\n\n[[probe]]\nname = \"sweep\"\nkind = \"register\"\naccounts = %q\npassword_env = \"SWEEP_PW\"\n", accounts)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p, WithLookupEnv(func(k string) (string, bool) { return "pw-" + k, true }))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSweepStreamsThroughAPipe: 10,000 rows come through a FIFO (read
// once, never seeked, never stat'ed as a regular file) and the runner
// pulls rows only as it has room: rows read but not yet reported stay
// within the runner's bounded window, whatever the file's length.
func TestSweepStreamsThroughAPipe(t *testing.T) {
	const rows, parallel = 10000, 8
	fifo := filepath.Join(t.TempDir(), "accounts.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	go func() {
		fh, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer fh.Close()
		w := bufio.NewWriter(fh)
		fmt.Fprintln(w, "user,password_env")
		for i := range rows {
			fmt.Fprintf(w, "u%05d,PW\n", i)
		}
		_ = w.Flush()
	}()
	f := sweepFile(t, fifo)
	var mu sync.Mutex
	read, reported, maxAhead := 0, 0, 0
	jobs := func(yield func(Job) bool) {
		for j := range f.JobsReporting(func(err error) { t.Errorf("bad row: %v", err) }) {
			mu.Lock()
			read++
			maxAhead = max(maxAhead, read-reported)
			mu.Unlock()
			if !yield(j) {
				return
			}
		}
	}
	prober := func(ctx context.Context, k probe.Kind, c probe.Config) results.Result {
		if c.Password != "pw-PW" {
			t.Errorf("%s: password %q, want the row's password_env", c.User, c.Password)
		}
		return results.Result{Status: results.StatusOK, FinalCode: 200, Diagnosis: catalog.Diagnosis{ID: "ok"}}
	}
	seen := map[string]bool{}
	sum, err := NewRunner(WithParallel(parallel), WithRateLimit(0), WithProber(prober)).Run(context.Background(), jobs, func(ev Event) error {
		mu.Lock()
		reported++
		mu.Unlock()
		if seen[ev.Result.Name] {
			t.Errorf("%s reported twice", ev.Result.Name)
		}
		seen[ev.Result.Name] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != rows || len(seen) != rows {
		t.Fatalf("%d results, %d names, want %d", sum.Total, len(seen), rows)
	}
	if bound := max(reorderWindow, 4*parallel) + parallel + 1; maxAhead > bound {
		t.Errorf("up to %d rows read ahead of the results, want at most %d (bounded by the window, not the file)", maxAhead, bound)
	}
	t.Logf("at most %d of %d rows were read ahead of their result", maxAhead, rows)
}

// TestSweepDuplicatesAndBadRows: a duplicate account (also written
// differently: another port of the same host) is a bad row with its line;
// the rows around it run.
func TestSweepDuplicatesAndBadRows(t *testing.T) {
	dir := t.TempDir()
	acc := filepath.Join(dir, "acc.csv")
	doc := "user,server,password_env\n120,,PW\n121,,PW\n120,127.0.0.1:5070,PW\n,,PW\n122,,PW\n123,sips:127.0.0.1,PW\n"
	if err := os.WriteFile(acc, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	f := sweepFile(t, acc)
	var bad []string
	var names []string
	for j := range f.JobsReporting(func(err error) { bad = append(bad, err.Error()) }) {
		names = append(names, j.Name)
		if !j.Sweep || j.Account != AccountKey(j.Config.Target, j.Config.User) {
			t.Errorf("%s: sweep %v account %q", j.Name, j.Sweep, j.Account)
		}
	}
	want := []string{"sweep/120", "sweep/121", "sweep/122", "sweep/123"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("jobs %v, want %v", names, want)
	}
	wantBad := []string{"acc.csv:4: duplicate account 120 (first on line 2)", "acc.csv:5: empty user"}
	if len(bad) != 2 || !strings.Contains(bad[0], wantBad[0]) || !strings.Contains(bad[1], wantBad[1]) {
		t.Errorf("bad rows %q, want %q", bad, wantBad)
	}
}

// TestSweepStopsAtASilentServer: refusals, then silence: after banSilence
// silent probes in a row the sweep sends nothing more to that server, and
// every later row is reported not run, saying why. Another server goes on.
func TestSweepStopsAtASilentServer(t *testing.T) {
	var mu sync.Mutex
	sent := map[string]int{}
	prober := func(ctx context.Context, k probe.Kind, c probe.Config) results.Result {
		mu.Lock()
		n := sent[c.Target]
		sent[c.Target]++
		mu.Unlock()
		r := results.Result{Target: c.Target, User: c.User}
		switch {
		case c.Target == "other:5060":
			r.Status, r.FinalCode, r.Diagnosis.ID = results.StatusOK, 200, "ok"
			r.Responses = []results.Response{{Code: 200}}
		case n < 3: // three refused logins
			r.Status, r.FinalCode, r.Diagnosis.ID = results.StatusCritical, 403, diagWrongPassword
			r.Responses = []results.Response{{Code: 401}, {Code: 403}}
		default: // then the ban: silence
			r.Status, r.Diagnosis.ID = results.StatusCritical, "nat-timeout"
		}
		return r
	}
	var jobs []Job
	for i := range 30 {
		target := "pbx:5060"
		if i%3 == 2 {
			target = "other:5060"
		}
		jobs = append(jobs, Job{Name: fmt.Sprintf("s/%d", i), Kind: probe.KindRegister, Repeat: 1, Sweep: true,
			Config: probe.Config{Target: target, User: fmt.Sprint(i), Password: "x"}, Account: AccountKey(target, fmt.Sprint(i))})
	}
	notRun := 0
	sum, err := NewRunner(WithParallel(1), WithRateLimit(0), WithProber(prober)).Run(context.Background(), jobsOf(jobs...), func(ev Event) error {
		if ev.Result.Diagnosis.ID == results.NotRunID {
			notRun++
			if !strings.Contains(ev.Result.Error, "the sweep stopped sending to pbx") {
				t.Errorf("%s: not run with %q", ev.Result.Name, ev.Result.Error)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 30 {
		t.Fatalf("%d results, want 30", sum.Total)
	}
	if sent["pbx:5060"] != 3+banSilence {
		t.Errorf("%d probes sent to the banning server, want %d (3 refused, %d silent)", sent["pbx:5060"], 3+banSilence, banSilence)
	}
	if sent["other:5060"] != 10 {
		t.Errorf("%d probes sent to the other server, want 10", sent["other:5060"])
	}
	if len(sum.BanStops) != 1 || sum.BanStops[0].Host != "pbx" || sum.BanStops[0].Skipped != notRun || notRun != 20-3-banSilence {
		t.Errorf("ban stops %+v, %d not run; want pbx with %d skipped", sum.BanStops, notRun, 20-3-banSilence)
	}
}
