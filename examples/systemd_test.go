package examples

import (
	"bufio"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const systemdUnit = "systemd/sipprobe.service"

// unitFile is a systemd unit as section → key → values in order (a key
// may repeat: SystemCallFilter=, Environment=).
type unitFile map[string]map[string][]string

// parseUnit reads the INI dialect of systemd.syntax(7): comments start
// with # or ;, a line ending in a backslash continues on the next.
func parseUnit(t *testing.T, text string) unitFile {
	t.Helper()
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	var cont string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cont != "" {
			line, cont = cont+" "+line, ""
		}
		if strings.HasSuffix(line, `\`) {
			cont = strings.TrimSuffix(line, `\`)
			continue
		}
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			section = line[1 : len(line)-1]
			u[section] = map[string][]string{}
		case section == "":
			t.Fatalf("%q outside a section", line)
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("[%s] %q is not KEY=VALUE", section, line)
			}
			k = strings.TrimSpace(k)
			u[section][k] = append(u[section][k], strings.TrimSpace(v))
		}
	}
	return u
}

// TestSystemdUnit checks the hardening the unit promises, key by key, so
// that it holds on machines without systemd-analyze too.
func TestSystemdUnit(t *testing.T) {
	u := parseUnit(t, readFile(t, systemdUnit))
	svc := u["Service"]
	if svc == nil || u["Unit"] == nil || u["Install"] == nil {
		t.Fatalf("sections %v, want Unit, Service, Install", slices.Sorted(maps.Keys(u)))
	}
	tests := []struct{ key, want string }{
		{"DynamicUser", "yes"},
		{"ProtectSystem", "strict"},
		{"ProtectHome", "yes"},
		{"PrivateTmp", "yes"},
		{"NoNewPrivileges", "yes"},
		{"StateDirectory", "sipprobe"},
		// Empty: no capability at all (see TestNoRawSockets).
		{"CapabilityBoundingSet", ""},
		{"AmbientCapabilities", ""},
		{"RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX AF_NETLINK"},
		{"ExecReload", "/bin/kill -HUP $MAINPID"},
		{"Restart", "on-failure"},
		// The history in the state directory, not in a home the dynamic
		// user does not have.
		{"Environment", "SIPPROBE_DB=%S/sipprobe/history.db"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := svc[tt.key]
			if !ok || got[len(got)-1] != tt.want {
				t.Errorf("%s=%q, want %q", tt.key, got, tt.want)
			}
		})
	}
	start := strings.Fields(strings.Join(svc["ExecStart"], " "))
	if len(start) < 4 || !filepath.IsAbs(start[0]) || start[1] != "serve" || start[2] != "--config" {
		t.Errorf("ExecStart=%q, want /path/to/sipprobe serve --config FILE", start)
	}
}

// TestSystemdUnitVerify runs systemd-analyze verify on the unit and scores
// its sandbox (security --offline), with ExecStart pointed at a binary that
// exists here (verify checks it).
func TestSystemdUnitVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed; TestSystemdUnit checks the keys")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(readFile(t, systemdUnit), "/usr/local/bin/sipprobe", self)
	path := filepath.Join(t.TempDir(), "sipprobe.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		// verify prints what it ignores (a bad value, an unknown key) but
		// still exits 0: any output is a failure.
		{"verify", []string{"verify", "--man=no", path}},
		// The exposure score (0 safest … 10): 1.2 today; --threshold is in
		// tenths and fails above it, so a weakened sandbox shows here.
		{"security", []string{"security", "--offline=yes", "--threshold=15", "--no-pager", path}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(analyze, tt.args...).CombinedOutput()
			if err != nil || (tt.name == "verify" && len(strings.TrimSpace(string(out))) > 0) {
				t.Errorf("systemd-analyze %s: %v\n%s", strings.Join(tt.args, " "), err, out)
			}
		})
	}
}

// rawSocketRE finds what would need CAP_NET_RAW: raw or packet sockets,
// ICMP listeners ("ip4:icmp", icmp.ListenPacket).
var rawSocketRE = regexp.MustCompile(`SOCK_RAW|AF_PACKET|ListenIP\(|icmp\.ListenPacket|"ip[46]?:`)

// TestNoRawSockets backs the unit's empty CapabilityBoundingSet: ICMP
// errors reach sipprobe through IP_RECVERR on its own UDP socket, and no
// non-test code opens a raw socket.
func TestNoRawSockets(t *testing.T) {
	if !strings.Contains(readFile(t, "../probe/icmp_linux.go"), "IP_RECVERR") {
		t.Error("probe/icmp_linux.go no longer uses IP_RECVERR: check what ICMP needs now and update the unit")
	}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "internal" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return fs.SkipDir // test harnesses and tool state, not the binary
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := rawSocketRE.Find(b); m != nil {
			t.Errorf("%s uses %s: the systemd unit then needs CAP_NET_RAW (and the container image NET_RAW)", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
