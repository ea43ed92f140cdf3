package probe

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// Issue 8: an interrupted probe (the caller's context canceled: Ctrl-C,
// SIGTERM) is UNKNOWN with the diagnosis canceled, whatever it had seen,
// keeps what it saw (messages, final code, the diagnosis so far in
// Observed), and still cleans up what it started.

func wantCanceled(t *testing.T, r results.Result) {
	t.Helper()
	if r.Status != results.StatusUnknown || r.Diagnosis.ID != "canceled" {
		t.Fatalf("got %s/%s (%d %s; notes %v), want canceled/unknown", r.Diagnosis.ID, r.Status, r.FinalCode, r.FinalReason, r.Diagnosis.Notes)
	}
}

func sentRequest(r results.Result, method string) bool {
	for _, m := range r.Messages {
		if m.Dir == results.DirOut && strings.HasPrefix(m.Raw, method+" ") {
			return true
		}
	}
	return false
}

// TestInterruptedOptions: OPTIONS to a port that reads and never answers,
// interrupted once the request has arrived: not a NAT timeout, and the
// request sent stays in the transcript.
func TestInterruptedOptions(t *testing.T) {
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		buf := make([]byte, 65535)
		if _, _, err := silent.ReadFrom(buf); err == nil {
			time.Sleep(300 * time.Millisecond) // the user waits a little, then Ctrl-C
			cancel()
		}
	}()
	r := Run(ctx, KindOptions, Config{Target: silent.LocalAddr().String(), Timeout: 5 * time.Second})
	wantCanceled(t, r)
	if !sentRequest(r, "OPTIONS") {
		t.Errorf("the OPTIONS sent is not in the messages: %+v", r.Messages)
	}
	if r.Observed != nil {
		t.Errorf("silence cut short diagnosed as %+v", r.Observed)
	}
	if r.Timings.Total.Duration() >= 5*time.Second {
		t.Errorf("the probe ran %v: the interruption did not end it", r.Timings.Total.Duration())
	}
}

// TestInterruptedInvite interrupts real calls to SIPp callees: during the
// hold (the call is ended with BYE, answered) and while it rings (the call
// is CANCELed, the 487 is the final code). SIPp passing means it got the
// BYE or the CANCEL and the ACK.
func TestInterruptedInvite(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tc := range []struct {
		name     string
		callee   string
		after    time.Duration // of the probe: the Ctrl-C
		observed string
		final    int
		endedBy  string
		check    func(t *testing.T, r results.Result, in *results.InviteDetails)
	}{
		{name: "during the hold", callee: sipp.BasicUAS(), after: 1500 * time.Millisecond, observed: "ok", final: 200, endedBy: "sipprobe-bye",
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if in.ByeCode != 200 || !sentRequest(r, "BYE") {
					t.Errorf("BYE sent %v, answered %d", sentRequest(r, "BYE"), in.ByeCode)
				}
				if in.HeldMs <= 0 || in.HeldMs.Duration() >= 5*time.Second {
					t.Errorf("held %v of the 5 s hold", in.HeldMs)
				}
				if in.SetupMs <= 0 || in.SetupMs > in.AnswerMs+1 {
					t.Errorf("setup %v ms, answer %v ms", in.SetupMs, in.AnswerMs)
				}
			}},
		{name: "while ringing", callee: sipp.RingingUAS(), after: 700 * time.Millisecond, observed: "ringing", final: 487, endedBy: "sipprobe-cancel",
			check: func(t *testing.T, r results.Result, in *results.InviteDetails) {
				if !sentRequest(r, "CANCEL") || in.SetupMs != 0 {
					t.Errorf("CANCEL sent %v; setup %v ms after our CANCEL", sentRequest(r, "CANCEL"), in.SetupMs)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			callee := sipp.StartUAS(t, tc.callee, sipp.WithTimeout(20*time.Second),
				sipp.WithArgs("-mp", strconv.Itoa(testpeers.FreeUDPPort(t))))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(tc.after, cancel)
			r := Run(ctx, KindInvite, inviteConfig(callee.Addr(), func(c *Config) {
				c.Invite.Hold, c.Invite.RingTimeout = 5*time.Second, 20*time.Second
			}))
			wantCanceled(t, r)
			in := inviteDetails(t, r)
			if r.Observed == nil || r.Observed.ID != tc.observed || r.FinalCode != tc.final || in.EndedBy != tc.endedBy {
				t.Errorf("observed %+v, final %d, ended by %q; want %s, %d, %s", r.Observed, r.FinalCode, in.EndedBy, tc.observed, tc.final, tc.endedBy)
			}
			tc.check(t, r, in)
			sippPassed(t, callee)
		})
	}
}

// TestInterruptedBind interrupts register --bind against Kamailio, through
// a relay that cancels the probe at a chosen message: the contact the
// probe bound is removed all the same (the registrar's own view says so).
func TestInterruptedBind(t *testing.T) {
	k := kamailio.Start(t)
	expiresZero := regexp.MustCompile(`(?i)\r\n(Contact:[^\r]*expires=0|Expires: *0\r)`)
	for _, tc := range []struct {
		name string
		// at reports whether the message (toServer: from the probe)
		// is where the user presses Ctrl-C; it is relayed after that.
		at       func(msg []byte, toServer bool) bool
		observed string // "" when either is right
	}{
		{name: "after the bind, as the unbind starts", observed: "ok",
			at: func(msg []byte, toServer bool) bool {
				return toServer && bytes.HasPrefix(msg, []byte("REGISTER ")) && expiresZero.Match(msg)
			}},
		{name: "while the bind's 200 is on its way",
			at: func(msg []byte, toServer bool) bool {
				return !toServer && bytes.HasPrefix(msg, []byte("SIP/2.0 200 ")) && bytes.Contains(msg, []byte("sipprobe-"))
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			relay := startCancelRelay(t, k.Addr("udp"), func(msg []byte, toServer bool) {
				if tc.at(msg, toServer) {
					cancel()
				}
			})
			r := Run(ctx, KindRegister, Config{Target: relay, User: "120", Password: k.Accounts["120"], Domain: kamailio.DefaultRealm,
				Bind: true, Expires: 60, Timeout: 3 * time.Second, NoFallback: true}, WithResolver(net.DefaultResolver))
			wantCanceled(t, r)
			if tc.observed != "" && (r.Observed == nil || r.Observed.ID != tc.observed || r.FinalCode != 200) {
				t.Errorf("observed %+v, final %d; want %s, 200", r.Observed, r.FinalCode, tc.observed)
			}
			if r.Details == nil || r.Details.Unbound == nil || !*r.Details.Unbound {
				t.Errorf("unbound not reported: %+v", r.Details)
			}
			for _, c := range k.Contacts(t, "120") {
				if strings.Contains(c.Address, "sipprobe-") {
					t.Errorf("the interrupted probe left its contact %s on the registrar", c.Address)
				}
			}
		})
	}
}

// startCancelRelay relays UDP between one client and server, calling seen
// with each datagram before it is forwarded. It returns its address.
func startCancelRelay(t *testing.T, server string, seen func(msg []byte, toServer bool)) string {
	t.Helper()
	front, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	raddr, err := net.ResolveUDPAddr("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	back, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		client net.Addr
		wg     sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		buf := make([]byte, 65535)
		for {
			n, from, err := front.ReadFrom(buf)
			if err != nil {
				return
			}
			mu.Lock()
			client = from
			mu.Unlock()
			seen(buf[:n], true)
			_, _ = back.Write(buf[:n])
		}
	}()
	go func() {
		defer wg.Done()
		buf := make([]byte, 65535)
		for {
			n, err := back.Read(buf)
			if err != nil {
				return
			}
			seen(buf[:n], false)
			mu.Lock()
			to := client
			mu.Unlock()
			if to != nil {
				_, _ = front.WriteTo(buf[:n], to)
			}
		}
	}()
	t.Cleanup(func() {
		front.Close()
		back.Close()
		wg.Wait()
	})
	return front.LocalAddr().String()
}
