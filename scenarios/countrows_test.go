package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// TestCountRows: run --check counts what a run yields, a result per good
// row of an accounts file, and lists the bad rows with file:line; the
// rows of an entry --only leaves out are not read.
func TestCountRows(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "user,password_env\n120,PW\n# a comment\n121,PW\n")
	bad := write("bad.csv", "user,password_env\n120,PW\n,PW\n120,PW\n121,UNSET\n122,PW,x\n123,PW\n")
	doc := func(accounts string) string {
		return fmt.Sprintf(`[defaults]
server = "127.0.0.1:5999"

[[probe]]
name = "fan"
kind = "options"
transports = ["udp", "tcp"]
repeat = 3

[[probe]]
name = "sweep"
kind = "register"
accounts = %q
`, accounts)
	}
	env := func(k string) (string, bool) { return "pw", k == "PW" }
	for _, tc := range []struct {
		name     string
		accounts string
		only     []string
		want     int
		bad      []string
	}{
		{"good rows", good, nil, 6 + 2, nil},
		{"bad rows", bad, nil, 6 + 2, []string{
			"bad.csv:3: empty user",
			"bad.csv:4: duplicate account 120 (first on line 2)",
			"bad.csv:5: password_env: environment variable UNSET is not set or empty",
			"bad.csv:6: 3 fields, the header has 2",
		}},
		{"only the sweep", bad, []string{"sweep"}, 2, []string{"bad.csv:3:", "bad.csv:4:", "bad.csv:5:", "bad.csv:6:"}},
		{"only a transport of the other entry", bad, []string{"fan/tcp"}, 3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("s.toml", []byte(doc(tc.accounts)), WithLookupEnv(env), WithOnly(tc.only))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			n, _ := f.CountRows(func(err error) {
				if !errors.Is(err, ErrBadRow) {
					t.Errorf("%v: not ErrBadRow", err)
				}
				got = append(got, err.Error())
			})
			if n != tc.want {
				t.Errorf("CountRows = %d, want %d", n, tc.want)
			}
			if len(got) != len(tc.bad) {
				t.Fatalf("bad rows %q, want %q", got, tc.bad)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], filepath.Join(dir, tc.bad[i])) {
					t.Errorf("bad row %q, want %q…", got[i], tc.bad[i])
				}
			}
		})
	}
}

// TestCheckAccounts: an accounts file that cannot be used is one error
// matching ErrAccountsFile before anything runs, on the command line
// (CommandSweep) as in a scenario file; a pipe is left to the run.
func TestCheckAccounts(t *testing.T) {
	dir := t.TempDir()
	header := filepath.Join(dir, "header.csv")
	if err := os.WriteFile(header, []byte("usr\n120\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	missing := filepath.Join(dir, "missing.csv")
	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", missing, missing + ": cannot read: no such file or directory"},
		{"directory", dir, dir + ": cannot read: is a directory"},
		{"bad header", header, header + `:1: unknown column "usr"`},
		{"pipe", fifo, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CommandSweep(probe.KindOptions, probe.Config{Target: "127.0.0.1:5999"}, results.Expectation{}, tc.path)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("error %v, want none (a pipe is read by the run)", err)
				}
				return
			}
			if !errors.Is(err, ErrAccountsFile) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrAccountsFile %q…", err, tc.want)
			}
		})
	}
}

// TestAccountsReadStopsPartway: a read error after good rows (a line past
// the 64 KB bound) ends the file with an error that says after which line,
// and the rows before it were read.
func TestAccountsReadStopsPartway(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long.csv")
	body := "user\n120\n121\n" + strings.Repeat("x", maxAccountLine+10) + "\n122\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := OpenAccounts(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var users []string
	for {
		acc, err := a.Next()
		if err != nil {
			if !errors.Is(err, ErrAccountsFile) || !strings.Contains(err.Error(), "cannot read past line 3") {
				t.Errorf("err %v, want an accounts-file error past line 3", err)
			}
			break
		}
		users = append(users, acc.User)
	}
	if strings.Join(users, ",") != "120,121" {
		t.Errorf("rows read %q, want 120,121", users)
	}
}
