package history

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/results"
)

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := res("reg-120", t0, results.StatusCritical, 403, "wrong-password", 3.9)
	r.Messages = []results.Message{{Dir: results.DirOut, Raw: "REGISTER sip:pbx.test SIP/2.0\r\nAuthorization: Digest response=\"deadbeef\"\r\n"}}
	r.Responses = []results.Response{{Code: 401, Reason: "Unauthorized"}, {Code: 403, Reason: "Forbidden"}}
	mustSave(t, s, "run-1", r)

	st, ok, err := s.LastStatus(ctx, "reg-120")
	if err != nil || !ok || st != results.StatusCritical {
		t.Fatalf("LastStatus = %q, %v, %v; want critical, true, nil", st, ok, err)
	}
	if _, ok, err := s.LastStatus(ctx, "nope"); ok || err != nil {
		t.Fatalf("LastStatus(unknown) = %v, %v; want false, nil", ok, err)
	}

	sums, err := s.Summaries(ctx, Query{Since: t0.Add(-1)})
	if err != nil || len(sums) != 1 {
		t.Fatalf("Summaries = %v, %v", sums, err)
	}
	got := sums[0]
	if got.Name != "reg-120" || got.Probe != "register" || got.Target != "sip:pbx.test" || got.User != "120" ||
		got.Status != results.StatusCritical || !got.LastAt.Equal(t0) || len(got.Recent) != 1 {
		t.Fatalf("summary = %+v", got)
	}
	e := got.Recent[0]
	if e.RunID != "run-1" || e.FinalCode != 403 || e.Diagnosis != "wrong-password" || e.TotalMs != 3.9 {
		t.Fatalf("entry = %+v", e)
	}

	// The stored JSON keeps the result but never the transcript.
	var blob string
	if err := s.db.QueryRowContext(ctx, `SELECT result FROM results`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(blob, "deadbeef") || strings.Contains(blob, "REGISTER sip:") {
		t.Fatalf("transcript stored: %s", blob)
	}
	if !strings.Contains(blob, `"reason":"Unauthorized"`) {
		t.Fatalf("responses lost: %s", blob)
	}
}

func TestNameOfUnnamedResult(t *testing.T) {
	r := res("", t0, results.StatusOK, 200, "ok", 1)
	if got, want := NameOf(r), "register 120@sip:pbx.test/udp"; got != want {
		t.Fatalf("NameOf = %q, want %q", got, want)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	t.Run("corrupt-file", func(t *testing.T) {
		p := filepath.Join(dir, "garbage.db")
		if err := os.WriteFile(p, []byte(strings.Repeat("this is not sqlite\n", 300)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(p)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v, want ErrCorrupt", err)
		}
	})
	t.Run("directory-in-the-way", func(t *testing.T) {
		p := filepath.Join(dir, "adir")
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(p); !errors.Is(err, ErrOpen) {
			t.Fatalf("err = %v, want ErrOpen", err)
		}
	})
	t.Run("must-exist", func(t *testing.T) {
		p := filepath.Join(dir, "missing.db")
		if _, err := Open(p, MustExist()); !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("MustExist created the file: %v", err)
		}
	})
	t.Run("schema-too-new", func(t *testing.T) {
		p := filepath.Join(dir, "future.db")
		s, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		if _, err := Open(p); !errors.Is(err, ErrSchemaTooNew) {
			t.Fatalf("err = %v, want ErrSchemaTooNew", err)
		}
	})
	t.Run("odd-characters-in-path", func(t *testing.T) {
		p := filepath.Join(dir, "a?b#c%20d", "h.db")
		s, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("database not at %s: %v", p, err)
		}
	})
}

func TestReopenKeepsDataAndWAL(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, "r1", res("a", t0, results.StatusOK, 200, "ok", 1))
	_ = s.Close()
	s, err = Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, _ := s.LastStatus(context.Background(), "a"); !ok {
		t.Fatal("result lost across reopen")
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var v int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != len(migrations()) {
		t.Fatalf("user_version = %d, %v", v, err)
	}
}

func TestRetention(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	old := res("a", t0.AddDate(0, 0, -40), results.StatusOK, 200, "ok", 1)
	recent := res("a", t0.AddDate(0, 0, -5), results.StatusOK, 200, "ok", 1)
	mustSave(t, s, "r", old, recent)
	_ = s.Close()

	s, err = Open(p, WithRetention(30*24*time.Hour), WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM results").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows after retention = %d, %v; want 1", n, err)
	}
}
