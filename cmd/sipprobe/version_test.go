package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestVersionFrom(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    buildVersion
	}{
		{"no build info", "", nil, buildVersion{Version: "dev"}},
		{"go install @v1.2.3", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			buildVersion{Version: "v1.2.3", GoVersion: "go1.26.0"}},
		{"ldflags wins over the module version", "v2.0.0", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			buildVersion{Version: "v2.0.0", GoVersion: "go1.26.0"}},
		{"git checkout, clean", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")},
			buildVersion{Version: "dev-0123456789ab", Commit: rev, GoVersion: "go1.26.0"}},
		{"git checkout, modified", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")},
			buildVersion{Version: "dev-0123456789ab-dirty", Commit: rev, Modified: true, GoVersion: "go1.26.0"}},
		{"pseudo-version stamped by go build", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20260101000000-0123456789ab+dirty"}, Settings: vcs(rev, "true")},
			buildVersion{Version: "v0.0.0-20260101000000-0123456789ab+dirty", Commit: rev, Modified: true, GoVersion: "go1.26.0"}},
		{"no vcs, devel", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
			buildVersion{Version: "dev", GoVersion: "go1.26.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(tt.ldflags, tt.bi); got != tt.want {
				t.Errorf("versionFrom = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVersionPrint(t *testing.T) {
	var b bytes.Buffer
	buildVersion{Version: "v1.2.3", Commit: "abc", Modified: true, GoVersion: "go1.26.0"}.print(&b)
	want := "sipprobe v1.2.3\ncommit: abc (modified)\ngo: go1.26.0\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestVersionCommand(t *testing.T) {
	code, out, _ := runMain(t, "version")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"sipprobe " + readVersion().Version, "commit: ", "go: go1."} {
		if !strings.Contains(out, want) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
}

// TestDefaultUserAgent: what the PBX sees is the version `version` prints,
// from single probes and from run.
func TestDefaultUserAgent(t *testing.T) {
	want := "User-Agent: sipprobe/" + readVersion().Version + "\r\n"
	scenario := func(t *testing.T, server string) string {
		path := filepath.Join(t.TempDir(), "s.toml")
		body := "[[probe]]\nname = \"ua\"\nkind = \"options\"\nserver = \"" + server + "\"\ntimeout = \"300ms\"\nno_fallback = true\n"
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name string
		args func(t *testing.T, server string) []string
	}{
		{"options", func(_ *testing.T, server string) []string {
			return []string{"options", "--server", server, "--timeout", "300ms", "--no-fallback"}
		}},
		{"run", func(t *testing.T, server string) []string {
			return []string{"run", "--no-history", scenario(t, server)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			// A bound, not a timing assertion: a probe that sends nothing
			// must fail the test, not hang it.
			if err := pc.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
				t.Fatal(err)
			}
			got := make(chan string, 1)
			go func() {
				buf := make([]byte, 65535)
				n, _, err := pc.ReadFrom(buf)
				if err != nil {
					n = 0
				}
				got <- string(buf[:n])
			}()
			code, out, stderr := runMain(t, tt.args(t, pc.LocalAddr().String())...)
			if req := <-got; !strings.Contains(req, want) {
				t.Errorf("request lacks %q:\n%s\nexit %d, stdout %s, stderr %s", want, req, code, out, stderr)
			}
		})
	}
}
