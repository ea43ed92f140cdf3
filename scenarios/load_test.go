package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// testEnv is the environment the fixtures see: no process-wide Setenv.
func testEnv(name string) (string, bool) {
	switch name {
	case "PBX_PASSWORD", "PBX_120_PASSWORD":
		return "secret", true
	case "PBX_EMPTY":
		return "", true
	}
	return "", false
}

// TestInvalidFixtures checks every invalid case against its golden message.
// Regenerate with UPDATE_GOLDEN=1 go test ./scenarios -run TestInvalidFixtures.
func TestInvalidFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".toml")
		t.Run(name, func(t *testing.T) {
			// The mode of a checkout depends on the umask: fix it.
			f, err := Load(path, WithLookupEnv(testEnv), WithFileMode(0o644))
			if err == nil {
				t.Fatalf("loaded %d probes, want a validation error", len(f.Probes))
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %T has no problems", err)
			}
			for _, p := range ve.Problems {
				if p.Line == 0 && !strings.Contains(p.Msg, "no [[probe]]") {
					t.Errorf("problem without a line: %s", p)
				}
			}
			golden := strings.TrimSuffix(path, ".toml") + ".golden"
			got := err.Error() + "\n"
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file: %v", err)
			}
			if got != string(want) {
				t.Errorf("messages differ\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}

func TestLoadValid(t *testing.T) {
	doc := `
[defaults]
server = "pbx.example.com"
timeout = "2s"
insecure = true

[[probe]]
name = "alive"
kind = "options"
transports = ["udp", "tcp", "tls"]
insecure = false

[[probe]]
name = "reg-120"
kind = "register"
user = "120"
password_env = "PBX_PASSWORD"
repeat = 3
interval = "10s"
bind = true
allow_evict = true
expires = 30
expect = {code = 200, max_ms = 250}

[[probe]]
name = "call-600"
kind = "invite"
server = "sips:other.example.com"
user = "120"
password_env = "PBX_PASSWORD"
to = "600"
codecs = ["pcma", "opus"]
hold = "3s"
[probe.expect]
codec = "PCMA"
`
	f, err := Parse("x.toml", []byte(doc), WithLookupEnv(testEnv))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Probes) != 3 {
		t.Fatalf("got %d probes", len(f.Probes))
	}
	alive, reg, call := f.Probes[0], f.Probes[1], f.Probes[2]
	t.Run("defaults and override", func(t *testing.T) {
		if alive.Config.Target != "pbx.example.com" || alive.Config.Timeout != 2*time.Second {
			t.Errorf("defaults not applied: %+v", alive.Config)
		}
		if alive.Config.TLS.Insecure {
			t.Error("insecure = false in the probe did not override the default")
		}
		if strings.Join(alive.Transports, ",") != "udp,tcp,tls" {
			t.Errorf("transports %v", alive.Transports)
		}
	})
	t.Run("register", func(t *testing.T) {
		if reg.Kind != probe.KindRegister || reg.Config.Password != "secret" || !reg.Config.Bind || !reg.Config.AllowEvict || reg.Config.Expires != 30 {
			t.Errorf("register config %+v", reg.Config)
		}
		if reg.Repeat != 3 || reg.Interval != 10*time.Second {
			t.Errorf("repeat %d interval %v", reg.Repeat, reg.Interval)
		}
		if reg.Expect != (results.Expectation{Code: 200, MaxMs: 250}) {
			t.Errorf("expect %+v", reg.Expect)
		}
	})
	t.Run("invite", func(t *testing.T) {
		if call.Config.Target != "sips:other.example.com" || call.Config.Invite.To != "600" || call.Config.Invite.Hold != 3*time.Second {
			t.Errorf("invite config %+v", call.Config)
		}
		if call.Expect.Codec != "pcma" {
			t.Errorf("codec %q", call.Expect.Codec)
		}
	})
}

func TestPasswordFileRelativeToScenario(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw.txt"), []byte("s3cret\r\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := "[[probe]]\nname='r'\nkind='register'\nserver='127.0.0.1'\nuser='1'\npassword_file='pw.txt'\n"
	path := filepath.Join(dir, "s.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Probes[0].Config.Password; got != "s3cret" {
		t.Errorf("password %q", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, ErrRead) {
		t.Errorf("got %v, want ErrRead", err)
	}
}

// FuzzLoad: whatever the bytes, Parse returns a file or an error, never
// panics, and every problem has a message.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.toml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[[probe]]\nname='a'\nkind='options'\nserver='h'\nexpect={code=200}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.toml", data, WithLookupEnv(testEnv), WithReadFile(func(string) ([]byte, error) { return nil, os.ErrNotExist }))
		if err == nil {
			if file == nil || len(file.Probes) == 0 {
				t.Fatal("no error and no probes")
			}
			return
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				if p.Msg == "" {
					t.Fatalf("empty problem message: %+v", p)
				}
			}
		}
	})
}

// TestClearTextPassword: accepted only from a file no one but its owner
// can read, as .pgpass and .netrc; the error says how to fix it.
func TestClearTextPassword(t *testing.T) {
	doc := "[[probe]]\nname='r'\nkind='register'\nserver='127.0.0.1'\nuser='1'\npassword='wrong-on-purpose'\nexpect={diagnosis='wrong-password'}\n"
	for _, tc := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o700, true}, {0o640, false}, {0o604, false}, {0o644, false}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "neg.toml")
			if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			f, err := Load(path, WithLookupEnv(func(string) (string, bool) { return "", false }))
			if !tc.ok {
				want := "password in clear text needs the file to be mode 0600 (chmod 600 " + path + "), or use password_env/password_file"
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("got %v, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Probes[0].Config.Password; got != "wrong-on-purpose" {
				t.Errorf("password %q", got)
			}
		})
	}
	t.Run("mode unknown", func(t *testing.T) {
		if _, err := Parse("x.toml", []byte(doc)); err == nil || !strings.Contains(err.Error(), "chmod 600 x.toml") {
			t.Errorf("got %v", err)
		}
	})
}
