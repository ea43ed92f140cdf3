package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOnlyResolvesSecretsOfTheSelection: with WithOnly, the secrets of the
// entries not selected are not looked up (their variables may be unset on
// this host), while every entry's syntax and values are still checked.
func TestOnlyResolvesSecretsOfTheSelection(t *testing.T) {
	dir := t.TempDir()
	header := filepath.Join(dir, "bad-header.csv")
	if err := os.WriteFile(header, []byte("usr,password_env\n120,PW\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.csv")
	doc := func(extra string) string {
		return fmt.Sprintf(`[defaults]
server = "127.0.0.1:5999"
%s
[[probe]]
name = "alive"
kind = "options"

[[probe]]
name = "reg"
kind = "register"
user = "120"
password_env = "NOT_SET"
transports = ["udp", "tcp"]

[[probe]]
name = "file"
kind = "invite"
user = "121"
to = "600"
password_file = "no-such-password"

[[probe]]
name = "rx"
kind = "receive"
user = "122"
from_user = "123"
from_password_env = "NOT_SET_EITHER"

[[probe]]
name = "sweep"
kind = "register"
accounts = %q

[[probe]]
name = "header"
kind = "options"
accounts = %q
`, extra, missing, header)
	}
	noFile := func(string) ([]byte, error) { return nil, fs.ErrNotExist }
	for _, tc := range []struct {
		name  string
		extra string    // lines in [defaults]
		only  []string  // nil: no WithOnly
		edit  [2]string // old, new: a change to the document
		want  []string  // probes loaded
		probs []string  // problems, in order ("line: where: key")
	}{
		{"no --only resolves every entry", "", nil, [2]string{}, nil, []string{
			`:12: probe "reg": password_env`,
			`:20: probe "file": password_file`,
			`:27: probe "rx": from_password_env`,
			`:32: probe "sweep": accounts: ` + missing + `: cannot read: no such file or directory`,
			`:37: probe "header": accounts: ` + header + `:1: unknown column "usr"`,
		}},
		{"an entry without secrets runs alone", "", []string{"alive"}, [2]string{}, []string{"alive"}, nil},
		{"the selected entry's secret is still required", "", []string{"alive", "reg"}, [2]string{}, nil, []string{`:12: probe "reg": password_env: environment variable NOT_SET is not set`}},
		{"one transport of a fan-out selects the entry", "", []string{"reg/tcp"}, [2]string{}, nil, []string{`:12: probe "reg": password_env`}},
		{"password_file", "", []string{"file"}, [2]string{}, nil, []string{`:20: probe "file": password_file: cannot read no-such-password`}},
		{"from_password_env", "", []string{"rx"}, [2]string{}, nil, []string{`:27: probe "rx": from_password_env: environment variable NOT_SET_EITHER`}},
		{"unreadable accounts file", "", []string{"sweep"}, [2]string{}, nil, []string{`:32: probe "sweep": accounts: ` + missing + `: cannot read`}},
		{"accounts header", "", []string{"header"}, [2]string{}, nil, []string{`:37: probe "header": accounts: ` + header + `:1: unknown column`}},
		{"a typo elsewhere still fails", "timeout = 5", []string{"alive"}, [2]string{}, nil, []string{`:3: defaults: timeout: want a duration string`}},
		{"a bad value elsewhere still fails", "", []string{"alive"}, [2]string{`"tcp"]`, `"sctp"]`}, nil, []string{`:13: probe "reg": transports: "sctp": want udp, tcp, tls, ws or wss`}},
		{"an inherited secret is left alone for others", "password_env = \"DEF_UNSET\"", []string{"alive", "reg"}, [2]string{}, nil, []string{`:12: probe "reg": password_env: environment variable NOT_SET`}},
		{"an inherited secret is resolved for the selection", "password_env = \"DEF_UNSET\"", []string{"sweep"}, [2]string{}, nil, []string{
			`:3: defaults: password_env: environment variable DEF_UNSET is not set`,
			`:32: probe "sweep": accounts: ` + missing + `: cannot read`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := doc(tc.extra)
			if tc.edit[0] != "" {
				body = strings.Replace(body, tc.edit[0], tc.edit[1], 1)
			}
			opts := []LoadOption{WithLookupEnv(testEnv), WithReadFile(noFile), WithFileMode(0o600)}
			if tc.only != nil {
				opts = append(opts, WithOnly(tc.only))
			}
			f, err := Parse("s.toml", []byte(body), opts...)
			if tc.probs == nil {
				if err != nil {
					t.Fatalf("error %v, want probes %v", err, tc.want)
				}
				var got []string
				for _, p := range f.Probes {
					got = append(got, p.Name)
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("probes %v, want %v", got, tc.want)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want problems %q", err, tc.probs)
			}
			if len(ve.Problems) != len(tc.probs) {
				t.Fatalf("problems:\n%v\nwant %d: %q", err, len(tc.probs), tc.probs)
			}
			for i, p := range ve.Problems {
				if got := strings.TrimPrefix(p.String(), "s.toml"); !strings.HasPrefix(got, tc.probs[i]) {
					t.Errorf("problem %d: %s, want %s…", i, got, tc.probs[i])
				}
			}
		})
	}
}

// TestOnlyUnknownName: a name the file does not have fails the load with
// ErrUnknownProbe (a usage error for run), after the file checked out.
func TestOnlyUnknownName(t *testing.T) {
	doc := "[[probe]]\nname = \"alive\"\nkind = \"options\"\nserver = \"h\"\n"
	_, err := Parse("s.toml", []byte(doc), WithOnly([]string{" alvie"}))
	if !errors.Is(err, ErrUnknownProbe) || !strings.Contains(err.Error(), `did you mean "alive"?`) {
		t.Errorf("error %v, want ErrUnknownProbe with a suggestion", err)
	}
	if errors.Is(err, ErrInvalid) {
		t.Errorf("error %v is also ErrInvalid", err)
	}
}
