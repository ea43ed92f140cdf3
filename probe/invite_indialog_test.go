package probe

import (
	"cmp"
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// reply is what we answered to one request of the far end.
type reply struct {
	method string
	code   int
	sdp    *sdpWant // nil: the answer must carry no SDP
}

// sdpWant is what our SDP in a reply must say (RFC 3264 §6, §8).
type sdpWant struct {
	version   uint64   // o= version: our offer's is 1
	direction string   // the audio stream's direction attribute
	formats   []string // the m=audio formats
}

// TestInviteInDialogSIPp holds calls up while SIPp callees send requests
// within the dialog: re-INVITE and UPDATE with and without an offer,
// OPTIONS, and ones to refuse. Each scenario checks our answers with
// regexp actions and fails its call otherwise, so SIPp's exit status
// proves the far end got what it expected; the test also reads our answers
// back from the transcript and checks them against our INVITE's offer.
func TestInviteInDialogSIPp(t *testing.T) {
	testpeers.Require(t, "sipp")
	pcmuEvent := []string{"0", "101"}
	ourOffer := []string{"0", "8", "9", "101"}
	cases := []struct {
		name     string
		scenario string
		// peers starts what the scenario needs besides SIPp and returns
		// SIPp's extra arguments and a check to run after the call.
		peers    func(t *testing.T) ([]string, func(t *testing.T, in *results.InviteDetails))
		mutate   func(*Config)
		requests []string // what InDialogRequests must list
		replies  []reply
		// resent: the ACK comes late, so our 2xx must go out again.
		resent bool
		tcp    bool
		notes  []string // in the diagnosis notes, in this order
		// diagnosis is the result's id; "" means ok.
		diagnosis string
	}{
		{name: "re-INVITE hold and resume moves RTP", scenario: "reinvite_hold.xml",
			mutate: func(c *Config) { c.Invite.RTP = true },
			peers: func(t *testing.T) ([]string, func(*testing.T, *results.InviteDetails)) {
				held, resumed := newRTPPeer(t, false), newRTPPeer(t, true)
				args := []string{"-key", "hold_port", strconv.Itoa(held.port()), "-key", "resume_port", strconv.Itoa(resumed.port())}
				return args, func(t *testing.T, in *results.InviteDetails) {
					// recvonly: not a packet to the held stream (RFC 3264 §6.1).
					if n := held.got.Load(); n != 0 {
						t.Errorf("%d RTP packets went to the held stream", n)
					}
					if resumed.got.Load() == 0 || in.RTPReceived == 0 {
						t.Errorf("after the resume: %d packets to the new port, %d echoed", resumed.got.Load(), in.RTPReceived)
					}
				}
			},
			requests: []string{"INVITE", "INVITE"},
			replies: []reply{
				{"INVITE", 200, &sdpWant{2, "recvonly", pcmuEvent}},
				{"INVITE", 200, &sdpWant{3, "sendrecv", pcmuEvent}},
			},
			notes: []string{"re-INVITE from the far end answered 200: call on hold (sendonly), media moved to 127.0.0.1:",
				"re-INVITE from the far end answered 200: call resumed (sendrecv), media moved to 127.0.0.1:"}},
		{name: "re-INVITE over TCP", scenario: "reinvite_no_sdp.xml", tcp: true,
			requests: []string{"INVITE"},
			replies:  []reply{{"INVITE", 200, &sdpWant{1, "sendrecv", ourOffer}}},
			notes:    []string{"re-INVITE from the far end without SDP answered 200 with our offer", "the ACK's answer: session unchanged"}},
		{name: "UPDATE session refresh", scenario: "update_refresh.xml",
			requests: []string{"UPDATE", "UPDATE"},
			replies: []reply{
				{"UPDATE", 200, &sdpWant{2, "sendrecv", pcmuEvent}},
				// The same offer again: our SDP is unchanged, so is its version.
				{"UPDATE", 200, &sdpWant{2, "sendrecv", pcmuEvent}},
			},
			notes: []string{"UPDATE from the far end answered 200: session unchanged", "UPDATE from the far end answered 200: session unchanged"}},
		{name: "OPTIONS", scenario: "options_during_hold.xml",
			requests: []string{"OPTIONS"},
			replies:  []reply{{"OPTIONS", 200, nil}}},
		{name: "re-INVITE without SDP", scenario: "reinvite_no_sdp.xml",
			requests: []string{"INVITE"},
			replies: []reply{
				// RFC 3261 §14.2: our offer goes in the 2xx; it is the
				// INVITE's again, so its version stays (RFC 3264 §8).
				{"INVITE", 200, &sdpWant{1, "sendrecv", ourOffer}},
			},
			notes: []string{"re-INVITE from the far end without SDP answered 200 with our offer", "the ACK's answer: session unchanged"}},
		{name: "re-INVITE late ACK", scenario: "reinvite_late_ack.xml",
			requests: []string{"INVITE"},
			replies:  []reply{{"INVITE", 200, &sdpWant{2, "sendrecv", pcmuEvent}}},
			resent:   true},
		{name: "re-INVITE never ACKed", scenario: "reinvite_no_ack.xml",
			requests:  []string{"INVITE"},
			replies:   []reply{{"INVITE", 200, &sdpWant{2, "sendrecv", pcmuEvent}}},
			resent:    true,
			notes:     []string{"no ACK came for our 200 to the far end's re-INVITE (CSeq 1)"},
			diagnosis: "reinvite-ack-missing"},
		{name: "UPDATE offer while ours is pending", scenario: "update_glare.xml",
			requests: []string{"INVITE", "UPDATE", "OPTIONS"},
			replies: []reply{
				{"INVITE", 200, &sdpWant{1, "sendrecv", ourOffer}},
				// RFC 3311 §5.2: an offer while ours awaits its answer.
				{"UPDATE", 491, nil},
				// RFC 3261 §12.2.2: a CSeq below the last one.
				{"OPTIONS", 500, nil},
			},
			notes: []string{"UPDATE from the far end refused 491", "the ACK's answer: session unchanged", "OPTIONS from the far end refused 500: CSeq 5 below the last one, 11"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var args []string
			var check func(*testing.T, *results.InviteDetails)
			if tc.peers != nil {
				args, check = tc.peers(t)
			}
			opts := []sipp.Option{sipp.WithArgs(args...)}
			if tc.tcp {
				opts = append(opts, sipp.WithTransport("tcp"))
			}
			callee := sippCalleeWith(t, tc.scenario, opts...)
			cfg := inviteConfig(callee.Addr(), func(c *Config) {
				c.Invite.Hold = 1500 * time.Millisecond
				if tc.tcp {
					c.Transport = "tcp"
				}
				if tc.mutate != nil {
					tc.mutate(c)
				}
			})
			r := Run(context.Background(), KindInvite, cfg)
			in := inviteDetails(t, r)
			want := cmp.Or(tc.diagnosis, "ok")
			if r.Diagnosis.ID != want || r.FinalCode != 200 {
				t.Errorf("got %s (%d %s), want %s (200); notes %v; error %q", r.Diagnosis.ID, r.FinalCode, r.FinalReason, want, r.Diagnosis.Notes, r.Error)
			}
			if in.EndedBy != "sipprobe-bye" || in.ByeCode != 200 {
				t.Errorf("ended by %q, BYE %d", in.EndedBy, in.ByeCode)
			}
			// Our own INVITE's ACK, untroubled by the far end's requests.
			if in.ACKConfirmed == nil || !*in.ACKConfirmed || in.OKRetransmissions != 0 {
				t.Errorf("ACK confirmed %v, 2xx retransmissions %d", in.ACKConfirmed, in.OKRetransmissions)
			}
			if !slices.Equal(in.InDialogRequests, tc.requests) {
				t.Errorf("in-dialog requests %v, want %v", in.InDialogRequests, tc.requests)
			}
			checkNotes(t, strings.Join(r.Diagnosis.Notes, "\n"), tc.notes)
			checkReplies(t, r, tc.replies, tc.resent)
			if check != nil {
				check(t, in)
			}
			sippPassed(t, callee)
		})
	}
}

// checkNotes wants each of want in notes, in order.
func checkNotes(t *testing.T, notes string, want []string) {
	t.Helper()
	rest := notes
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("notes lack %q (in order):\n%s", w, notes)
			return
		}
		rest = rest[i+len(w):]
	}
}

// checkReplies reads our final responses to the far end's requests from
// the transcript and checks them against want, and every SDP in them
// against our INVITE's offer: same origin, address and RTP port, and as
// many m-lines as the far end offered (RFC 3264 §6).
func checkReplies(t *testing.T, r results.Result, want []reply, resent bool) {
	t.Helper()
	var offer *sdp.SessionDescription
	theirs := map[string]*sip.Request{} // "cseq method" -> the far end's request
	var got []*sip.Response
	for _, m := range r.Messages {
		msg, err := sip.ParseMessage([]byte(m.Raw))
		if err != nil {
			t.Fatalf("transcript: %v\n%s", err, m.Raw)
		}
		switch v := msg.(type) {
		case *sip.Request:
			if m.Dir == results.DirOut && v.IsInvite() && offer == nil {
				offer = parseSDP(t, v.Body())
			}
			if m.Dir == results.DirIn && !v.IsAck() {
				theirs[v.CSeq().Value()] = v
			}
		case *sip.Response:
			if m.Dir == results.DirOut && !v.IsProvisional() {
				got = append(got, v)
			}
		}
	}
	// Drop our answer to the far end's BYE, if any; count retransmissions.
	var finals []*sip.Response
	copies := map[string]int{}
	for _, res := range got {
		key := res.CSeq().Value()
		if copies[key]++; copies[key] > 1 || res.CSeq().MethodName == sip.BYE {
			continue
		}
		finals = append(finals, res)
	}
	if len(finals) != len(want) {
		t.Fatalf("we sent %d final responses to the far end, want %d", len(finals), len(want))
	}
	for i, w := range want {
		res := finals[i]
		if string(res.CSeq().MethodName) != w.method || int(res.StatusCode) != w.code {
			t.Errorf("reply %d: %s %d, want %s %d", i, res.CSeq().MethodName, res.StatusCode, w.method, w.code)
			continue
		}
		if n := copies[res.CSeq().Value()]; (n > 1) != (resent && w.method == "INVITE") {
			t.Errorf("reply %d: sent %d times (resent: %v)", i, n, resent)
		}
		if w.sdp == nil {
			if len(res.Body()) > 0 {
				t.Errorf("reply %d (%s %d) carries a body:\n%s", i, w.method, w.code, res.Body())
			}
			continue
		}
		if ct := res.ContentType(); ct == nil || ct.Value() != "application/sdp" {
			t.Errorf("reply %d: Content-Type %v", i, ct)
		}
		sd := parseSDP(t, res.Body())
		if sd.Origin.Username != offer.Origin.Username || sd.Origin.SessionID != offer.Origin.SessionID || sd.Origin.SessionVersion != w.sdp.version {
			t.Errorf("reply %d: o= %+v, want %s %d version %d", i, sd.Origin, offer.Origin.Username, offer.Origin.SessionID, w.sdp.version)
		}
		if sd.ConnectionInformation == nil || sd.ConnectionInformation.Address.Address != offer.ConnectionInformation.Address.Address {
			t.Errorf("reply %d: c= %+v, want our offer's address", i, sd.ConnectionInformation)
		}
		wantLines := 1
		if req := theirs[res.CSeq().Value()]; req != nil && len(req.Body()) > 0 {
			wantLines = len(parseSDP(t, req.Body()).MediaDescriptions)
		}
		if len(sd.MediaDescriptions) != wantLines {
			t.Fatalf("reply %d: %d m-lines, want %d", i, len(sd.MediaDescriptions), wantLines)
		}
		md := sd.MediaDescriptions[0]
		if md.MediaName.Port.Value != offer.MediaDescriptions[0].MediaName.Port.Value {
			t.Errorf("reply %d: RTP port %d, our offer's is %d", i, md.MediaName.Port.Value, offer.MediaDescriptions[0].MediaName.Port.Value)
		}
		if !slices.Equal(md.MediaName.Formats, w.sdp.formats) {
			t.Errorf("reply %d: formats %v, want %v", i, md.MediaName.Formats, w.sdp.formats)
		}
		if dir := direction(md); dir != w.sdp.direction {
			t.Errorf("reply %d: direction %s, want %s", i, dir, w.sdp.direction)
		}
	}
}

func parseSDP(t *testing.T, body []byte) *sdp.SessionDescription {
	t.Helper()
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		t.Fatalf("SDP: %v\n%s", err, body)
	}
	return &sd
}

func direction(md *sdp.MediaDescription) string {
	for _, a := range md.Attributes {
		switch a.Key {
		case "sendrecv", "sendonly", "recvonly", "inactive":
			return a.Key
		}
	}
	return "sendrecv"
}

// rtpPeer is a far end's RTP socket that a re-INVITE moves the media to:
// it counts what arrives and, with echo, sends it back.
type rtpPeer struct {
	conn *net.UDPConn
	got  atomic.Int64
}

func newRTPPeer(t *testing.T, echo bool) *rtpPeer {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &rtpPeer{conn: conn}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return // closed
			}
			p.got.Add(1)
			if echo {
				_, _ = conn.WriteToUDPAddrPort(buf[:n], from)
			}
		}
	}()
	t.Cleanup(func() { _ = conn.Close(); <-done })
	return p
}

func (p *rtpPeer) port() int { return p.conn.LocalAddr().(*net.UDPAddr).Port }

// TestInviteInDialogNoLeaks: the far end's requests during the hold (our
// 2xx resent until an ACK that never comes, RTP moved and stopped, a
// refused offer) leave no goroutine or socket behind.
func TestInviteInDialogNoLeaks(t *testing.T) {
	testpeers.Require(t, "sipp")
	held, resumed := newRTPPeer(t, false), newRTPPeer(t, true)
	var callees []*sipp.Proc
	for _, sc := range []string{"reinvite_hold.xml", "reinvite_no_ack.xml", "update_glare.xml"} {
		// Three calls each: assertNoLeaks runs the probes twice, and SIPp
		// must outlive its second count (its exit frees goroutines and
		// files of the harness, which would hide a leak of ours); the
		// third lets it finish.
		callees = append(callees, sippCalleeWith(t, sc, sipp.WithCalls(3),
			sipp.WithArgs("-rtp_echo", "-key", "hold_port", strconv.Itoa(held.port()), "-key", "resume_port", strconv.Itoa(resumed.port()))))
	}
	calls := func() {
		var wg sync.WaitGroup
		for _, callee := range callees {
			wg.Go(func() {
				r := Run(context.Background(), KindInvite, inviteConfig(callee.Addr(), func(c *Config) {
					c.Invite.Hold, c.Invite.RTP = 1500*time.Millisecond, true
				}))
				if r.Diagnosis.ID != "ok" && r.Diagnosis.ID != "reinvite-ack-missing" {
					t.Errorf("%s: %s, notes %v", callee.Addr(), r.Diagnosis.ID, r.Diagnosis.Notes)
				}
			})
		}
		wg.Wait()
	}
	assertNoLeaks(t, calls)
	calls()
	for _, callee := range callees {
		sippPassed(t, callee)
	}
}
