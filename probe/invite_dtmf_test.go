package probe

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// filteringEcho is a far end's RTP socket that sends back what arrives,
// except the packets drop says to lose: a PBX echo that passes voice but
// not (all) RFC 4733 events. Like a PBX that strips the events (and like
// Asterisk's Echo()), it numbers what it sends itself, so the events it
// keeps back are no gaps in the sequence, which would read as loss.
func filteringEcho(t *testing.T, drop func(p *rtp.Packet) bool) int {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		var p rtp.Packet
		var seq uint16
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return // closed
			}
			if p.Unmarshal(buf[:n]) != nil || drop(&p) {
				continue
			}
			p.SequenceNumber, seq = seq, seq+1
			if b, err := p.Marshal(); err == nil {
				_, _ = conn.WriteToUDPAddrPort(b, from)
			}
		}
	}()
	t.Cleanup(func() { _ = conn.Close(); <-done })
	return conn.LocalAddr().(*net.UDPAddr).Port
}

// dropEvents loses every telephone-event packet (PT 101 in the answer);
// dropDigit only those of one digit (RFC 4733 §3.2 event code).
func dropEvents(p *rtp.Packet) bool { return p.PayloadType == 101 }

func dropDigit(code byte) func(p *rtp.Packet) bool {
	return func(p *rtp.Packet) bool { return p.PayloadType == 101 && len(p.Payload) > 0 && p.Payload[0] == code }
}

// TestInviteDTMF sends digits into real calls: SIPp's RTP echo returns
// them as they are; an answer without telephone-event gets none and
// warns dtmf-not-negotiated (the DTMF check asked for did not run); an echo
// that loses events is dtmf-not-echoed naming the digits.
func TestInviteDTMF(t *testing.T) {
	testpeers.Require(t, "sipp")
	cases := []struct {
		name     string
		scenario string
		args     func(t *testing.T) []string
		digits   string
		hold     time.Duration
		wantID   string
		want     results.DTMFDetails // Sent, Negotiated, PT, Echoed, Missing
		wantNote string
		wantText string
	}{
		{name: "echoed", scenario: "answer_pcmu.xml", digits: "1234#", hold: 200 * time.Millisecond,
			args:   func(*testing.T) []string { return []string{"-rtp_echo"} },
			wantID: "ok", want: results.DTMFDetails{Sent: "1234#", Negotiated: true, PT: 101, Echoed: "1234#"},
			wantNote: "is too short for the DTMF digits", wantText: "DTMF: sent 1234#, echoed 1234# (median "},
		{name: "not negotiated", scenario: "answer_no_dtmf.xml", digits: "1234#", hold: 700 * time.Millisecond,
			args:   func(*testing.T) []string { return []string{"-rtp_echo"} },
			wantID: "dtmf-not-negotiated", want: results.DTMFDetails{},
			wantText: "DTMF: telephone-event not negotiated: no digits sent"},
		{name: "events dropped", scenario: "answer_rtp_port.xml", digits: "1234#", hold: 2 * time.Second,
			args: func(t *testing.T) []string {
				return []string{"-key", "rtp_port", strconv.Itoa(filteringEcho(t, dropEvents))}
			},
			wantID: "dtmf-not-echoed", want: results.DTMFDetails{Sent: "1234#", Negotiated: true, PT: 101, Missing: "1234#"},
			wantNote: "", wantText: "DTMF: sent 1234#, echoed none, missing 1234#"},
		{name: "one digit dropped", scenario: "answer_rtp_port.xml", digits: "a4#",
			args: func(t *testing.T) []string {
				return []string{"-key", "rtp_port", strconv.Itoa(filteringEcho(t, dropDigit(4)))}
			},
			wantID: "dtmf-not-echoed", want: results.DTMFDetails{Sent: "A4#", Negotiated: true, PT: 101, Echoed: "A#", Missing: "4"},
			wantText: ", missing 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			callee := sippCallee(t, tc.scenario, tc.args(t)...)
			r := Run(context.Background(), KindInvite, inviteConfig(callee.Addr(), func(c *Config) {
				c.Invite.DTMF, c.Invite.Hold = tc.digits, tc.hold
			}))
			if r.Diagnosis.ID != tc.wantID {
				t.Errorf("diagnosis %s (%s), want %s; notes %v", r.Diagnosis.ID, r.Status, tc.wantID, r.Diagnosis.Notes)
			}
			d := r.Details.DTMF
			if d == nil {
				t.Fatalf("no details.dtmf")
			}
			if d.Sent != tc.want.Sent || d.Negotiated != tc.want.Negotiated || d.PT != tc.want.PT ||
				d.Echoed != tc.want.Echoed || d.Missing != tc.want.Missing {
				t.Errorf("dtmf %+v, want %+v", *d, tc.want)
			}
			for _, dd := range d.Digits {
				if dd.Echoed != (dd.DelayMs > 0) || (dd.Echoed && dd.DelayMs > 500) {
					t.Errorf("digit %+v: an echo on loopback takes a few ms", dd)
				}
			}
			if tc.want.Echoed != "" && d.MedianMs <= 0 {
				t.Errorf("median %v", d.MedianMs)
			}
			if in := inviteDetails(t, r); in.RTPSent < 25 || in.RTPReceived == 0 {
				t.Errorf("--dtmf sends RTP: sent %d received %d", in.RTPSent, in.RTPReceived)
			}
			if tc.wantID == "dtmf-not-negotiated" && r.Status != results.StatusWarning {
				t.Errorf("status %s: the DTMF check asked for did not run, a warning", r.Status)
			}
			if tc.wantID == "dtmf-not-echoed" {
				if r.Status != results.StatusWarning || !strings.Contains(r.Diagnosis.Summary, tc.want.Missing+" missing") {
					t.Errorf("status %s, summary %q: a warning naming %s", r.Status, r.Diagnosis.Summary, tc.want.Missing)
				}
			}
			if tc.wantNote != "" && !strings.Contains(strings.Join(r.Diagnosis.Notes, "\n"), tc.wantNote) {
				t.Errorf("notes %q lack %q", r.Diagnosis.Notes, tc.wantNote)
			}
			var b strings.Builder
			if err := results.WriteText(&b, r, results.TextOptions{}); err != nil || !strings.Contains(b.String(), tc.wantText) {
				t.Errorf("text lacks %q:\n%s", tc.wantText, b.String())
			}
			sippPassed(t, callee)
		})
	}
}

// TestInviteDTMFConfig: --dtmf takes DTMF digits only, naming the first
// bad one, and needs a held call.
func TestInviteDTMFConfig(t *testing.T) {
	cases := []struct {
		name, dtmf string
		sweep      bool
		want       string // "" valid
	}{
		{name: "digits", dtmf: "0123456789*#ABCD"},
		{name: "lower case", dtmf: "abcd"},
		{name: "letter", dtmf: "12e4", want: `--dtmf "12e4": not a DTMF digit: 'e'`},
		{name: "comma", dtmf: "1,2", want: `','`},
		{name: "sweep", dtmf: "1", sweep: true, want: "--codec-sweep"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := inviteConfig("127.0.0.1", func(c *Config) { c.Invite.DTMF, c.Invite.CodecSweep = tc.dtmf, tc.sweep })
			err := cfg.Validate(KindInvite)
			if tc.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want it to say %s", err, tc.want)
			}
		})
	}
}
