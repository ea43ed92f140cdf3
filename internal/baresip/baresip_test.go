package baresip

import (
	"context"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// TestStartAnswersOptions: the instance is up on its port, answers SIP,
// and its Cleanup stops it (testpeers fails the test if anything is left).
func TestStartAnswersOptions(t *testing.T) {
	for _, enc := range []string{MediaEncNone, MediaEncSRTP, MediaEncSRTPMand} {
		t.Run("mediaenc="+enc, func(t *testing.T) {
			b, err := Start(t, WithMediaEnc(enc))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			c, err := testpeers.DialSIP(ctx, "udp", b.Addr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			res, err := c.RoundTrip(c.Request("OPTIONS", "sip:"+User+"@"+b.Addr(), "sip:test@127.0.0.1"), time.Second)
			if err != nil {
				t.Fatalf("%v; log:\n%s", err, b.Log())
			}
			if res.Code != 200 {
				t.Errorf("OPTIONS got %d", res.Code)
			}
		})
	}
}
