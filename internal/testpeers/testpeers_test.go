package testpeers

import (
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestFreePortIsFreeForBoth(t *testing.T) {
	port := FreePort(t)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("tcp: %v", err)
	}
	defer ln.Close()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("udp: %v", err)
	}
	pc.Close()
}

func TestParseResponse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		raw     string
		code    int
		reason  string
		contact string
		bad     bool
	}{
		{name: "full", raw: "SIP/2.0 403 Wrong Guess\r\nContact: <sip:a@b>\r\nContent-Length: 0\r\n\r\n", code: 403, reason: "Wrong Guess", contact: "<sip:a@b>"},
		{name: "compact form", raw: "SIP/2.0 200 OK\r\nm: <sip:c@d>\r\nl: 0\r\n\r\n", code: 200, reason: "OK", contact: "<sip:c@d>"},
		{name: "request", raw: "OPTIONS sip:x SIP/2.0\r\n\r\n", bad: true},
		{name: "garbage code", raw: "SIP/2.0 abc OK\r\n\r\n", bad: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseResponse([]byte(tc.raw))
			if tc.bad {
				if err == nil {
					t.Fatalf("parsed %q", tc.raw)
				}
				return
			}
			if err != nil || r.Code != tc.code || r.Reason != tc.reason || r.Header("Contact") != tc.contact {
				t.Fatalf("got %+v, %v", r, err)
			}
		})
	}
}

// Stop must take the whole process group down, children included.
func TestStopKillsChildren(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & sleep 60 & wait")
	p, err := StartProcess(t, cmd, filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	// Not kill(-pgid, 0): in a container whose PID 1 does not reap
	// orphans, the killed children stay zombies and still answer it.
	if groupAlive(p.Pid()) {
		t.Fatalf("group %d still has a live process", p.Pid())
	}
}
