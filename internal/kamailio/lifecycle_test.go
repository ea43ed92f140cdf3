package kamailio_test

import (
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// TestStopLeavesNothing checks what every other test relies on: after Stop
// no process of the server's group is left and its ports are free again.
// A few rounds, because a stop right after start-up used to hang.
func TestStopLeavesNothing(t *testing.T) {
	for range 3 {
		s := kamailio.Start(t)
		start := time.Now()
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("stop took %v", d)
		}
		if err := syscall.Kill(-s.Pid(), 0); err != syscall.ESRCH {
			t.Errorf("process group %d still exists: %v", s.Pid(), err)
		}
		for _, tr := range []string{"udp", "tcp", "tls"} {
			var err error
			if tr == "udp" {
				var pc net.PacketConn
				if pc, err = net.ListenPacket("udp", s.Addr(tr)); err == nil {
					pc.Close()
				}
			} else {
				var ln net.Listener
				if ln, err = net.Listen("tcp", s.Addr(tr)); err == nil {
					ln.Close()
				}
			}
			if err != nil {
				t.Errorf("%s port still bound after Stop: %v", tr, err)
			}
		}
	}
}

func TestContactsRoundTrip(t *testing.T) {
	s := kamailio.Start(t)
	if got := s.Contacts(t, "120"); len(got) != 0 {
		t.Fatalf("fresh server has bindings: %+v", got)
	}
	s.AddContact(t, "120", "sip:120@127.0.0.1:5999;transport=udp", time.Hour)
	s.AddContact(t, "120", "sip:120@127.0.0.1:5998", 10*time.Minute)
	got := s.Contacts(t, "120")
	if len(got) != 2 {
		t.Fatalf("want 2 bindings, got %+v", got)
	}
	seen := map[string]time.Duration{}
	for _, c := range got {
		seen[c.Address] = c.Expires
	}
	if e := seen["sip:120@127.0.0.1:5999;transport=udp"]; e < 59*time.Minute || e > time.Hour {
		t.Errorf("binding 5999 expires %v, want ~1h (all: %+v)", e, got)
	}
	if _, ok := seen["sip:120@127.0.0.1:5998"]; !ok {
		t.Errorf("binding 5998 missing: %+v", got)
	}
	if other := s.Contacts(t, "121"); len(other) != 0 {
		t.Errorf("121 has bindings: %+v", other)
	}
}
