package kamailio_test

import (
	"testing"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// TestPortBelow: the server listens on a four-digit port, which sipsak can
// put in a request URI, and answers there.
func TestPortBelow(t *testing.T) {
	s := kamailio.Start(t, kamailio.WithPortBelow(10000))
	if p := s.Port(); p < 1024 || p >= 10000 {
		t.Fatalf("port %d, want a four-digit one", p)
	}
	c := dial(t, s, "udp")
	resp, err := c.RoundTrip(c.Request("OPTIONS", "sip:"+s.Addr("udp"), "sip:probe@pbx.test"), rtt)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Code != 200 {
		t.Fatalf("want 200, got:\n%s", resp.Raw)
	}
}
