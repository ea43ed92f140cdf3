package probe

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"

	"github.com/sipprobe/sipprobe/catalog"
)

// newTestLocalSDP is our side of a call that offered PCMU, PCMA and
// telephone-event at 192.0.2.7:40000.
func newTestLocalSDP(t *testing.T) *localSDP {
	t.Helper()
	cs, err := parseCodecs([]string{"pcmu", "pcma", "telephone-event"})
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddr("192.0.2.7")
	offer, err := buildOffer(addr, 40000, cs, 42, 1)
	if err != nil {
		t.Fatal(err)
	}
	return newLocalSDP(addr, 40000, cs, 42, offer)
}

// mline is what one m-line of our answer must say: port 0 when refused,
// else ours.
type mline struct {
	port    int
	formats []string
	dir     string
}

// TestInviteAnswerReoffer answers offers a PBX makes within a call (RFC
// 3264 §6): m-lines mirrored one for one, only our codecs with the
// offerer's payload types, the mirrored direction, our address and port.
func TestInviteAnswerReoffer(t *testing.T) {
	const audioPCMU = "m=audio 6000 RTP/AVP 0 96\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:96 telephone-event/8000\r\n"
	cases := []struct {
		name    string
		media   string
		wantErr error
		want    []mline
	}{
		{name: "hold", media: audioPCMU + "a=sendonly\r\n",
			want: []mline{{40000, []string{"0", "96"}, "recvonly"}}},
		{name: "inactive", media: audioPCMU + "a=inactive\r\n",
			want: []mline{{40000, []string{"0", "96"}, "inactive"}}},
		{name: "recvonly", media: audioPCMU + "a=recvonly\r\n",
			want: []mline{{40000, []string{"0", "96"}, "sendonly"}}},
		{name: "dynamic PCMA, unknown codec dropped", media: "m=audio 6000 RTP/AVP 18 97\r\na=rtpmap:97 PCMA/8000\r\n",
			want: []mline{{40000, []string{"97"}, "sendrecv"}}},
		{name: "video refused, audio taken", media: "m=video 6002 RTP/AVP 99\r\na=rtpmap:99 H264/90000\r\n" + audioPCMU,
			want: []mline{{0, []string{"99"}, ""}, {40000, []string{"0", "96"}, "sendrecv"}}},
		{name: "second audio stream refused", media: audioPCMU + audioPCMU,
			want: []mline{{40000, []string{"0", "96"}, "sendrecv"}, {0, []string{"0", "96"}, ""}}},
		{name: "SRTP only", media: "m=audio 6000 RTP/SAVP 0\r\n", wantErr: errNoAcceptableMedia},
		{name: "no common voice codec", media: "m=audio 6000 RTP/AVP 18 96\r\na=rtpmap:96 telephone-event/8000\r\n", wantErr: errNoAcceptableMedia},
		{name: "audio refused by the offerer", media: "m=audio 0 RTP/AVP 0\r\n", wantErr: errNoAcceptableMedia},
		{name: "garbage", media: "m=audio x\r\n", wantErr: errBadOffer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newTestLocalSDP(t)
			body, err := l.answer([]byte(answerHead + tc.media))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if l.version != 1 {
					t.Errorf("a refused offer changed our version to %d", l.version)
				}
				return
			}
			var sd sdp.SessionDescription
			if err := sd.Unmarshal(body); err != nil {
				t.Fatalf("our answer does not parse: %v\n%s", err, body)
			}
			if sd.Origin.SessionID != 42 || sd.Origin.SessionVersion != 2 || sd.ConnectionInformation.Address.Address != "192.0.2.7" {
				t.Errorf("o=/c=: %+v %+v", sd.Origin, sd.ConnectionInformation)
			}
			if len(sd.MediaDescriptions) != len(tc.want) {
				t.Fatalf("%d m-lines, want %d:\n%s", len(sd.MediaDescriptions), len(tc.want), body)
			}
			for i, w := range tc.want {
				md := sd.MediaDescriptions[i]
				if md.MediaName.Port.Value != w.port || !slices.Equal(md.MediaName.Formats, w.formats) {
					t.Errorf("m-line %d: port %d formats %v, want %d %v", i, md.MediaName.Port.Value, md.MediaName.Formats, w.port, w.formats)
				}
				if w.port == 0 {
					continue
				}
				if direction(md) != w.dir {
					t.Errorf("m-line %d: direction %s, want %s", i, direction(md), w.dir)
				}
				// Each format with its rtpmap, under the offerer's number.
				for _, f := range w.formats {
					if !slices.ContainsFunc(md.Attributes, func(a sdp.Attribute) bool {
						return a.Key == "rtpmap" && strings.HasPrefix(a.Value, f+" ")
					}) {
						t.Errorf("m-line %d: no rtpmap for %s:\n%s", i, f, body)
					}
				}
			}
		})
	}
}

// TestInviteSDPVersion: the o= version grows by one when our SDP changes
// and only then (RFC 3264 §8).
func TestInviteSDPVersion(t *testing.T) {
	l := newTestLocalSDP(t)
	hold := []byte(answerHead + "m=audio 6000 RTP/AVP 0\r\na=sendonly\r\n")
	resume := []byte(answerHead + "m=audio 6000 RTP/AVP 0\r\n")
	steps := []struct {
		name    string
		send    func() ([]byte, error)
		version uint64
	}{
		{"offer unchanged from the INVITE's", l.offer, 1},
		{"hold answer", func() ([]byte, error) { return l.answer(hold) }, 2},
		{"same hold answer", func() ([]byte, error) { return l.answer(hold) }, 2},
		{"resume answer", func() ([]byte, error) { return l.answer(resume) }, 3},
		{"full offer again", l.offer, 4},
		{"and again", l.offer, 4},
	}
	for _, st := range steps {
		body, err := st.send()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		var sd sdp.SessionDescription
		if err := sd.Unmarshal(body); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if sd.Origin.SessionVersion != st.version {
			t.Errorf("%s: version %d, want %d", st.name, sd.Origin.SessionVersion, st.version)
		}
	}
}

// TestInviteSessionChange words the far end's SDP changes for the notes.
func TestInviteSessionChange(t *testing.T) {
	pcmu, pcma := &codec{name: "pcmu"}, &codec{name: "pcma"}
	base := answer{addr: "192.0.2.1", port: 6000, direction: "sendrecv", send: pcmu}
	with := func(f func(*answer)) answer { a := base; f(&a); return a }
	for _, tc := range []struct {
		name     string
		prev, a  answer
		contains string
	}{
		{"unchanged", base, base, "session unchanged"},
		{"hold", base, with(func(a *answer) { a.direction = "sendonly" }), "call on hold (sendonly)"},
		{"RFC 2543 hold", base, with(func(a *answer) { a.addr = "0.0.0.0" }), "call on hold (c=0.0.0.0)"},
		{"resume", with(func(a *answer) { a.direction = "inactive" }), base, "call resumed (sendrecv)"},
		{"moved", base, with(func(a *answer) { a.port = 7000 }), "media moved to 192.0.2.1:7000"},
		{"codec", base, with(func(a *answer) { a.send = pcma }), "codec pcma"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := catalog.Default().NoteText(catalog.Text("").With("text", sessionChange(tc.prev, tc.a)...), catalog.EN)
			if !strings.Contains(got, tc.contains) {
				t.Errorf("got %q, want %q", got, tc.contains)
			}
		})
	}
}

// FuzzAnswerOffer: whatever the far end offers, we answer with SDP that
// parses and has as many m-lines as the offer, or refuse it with one of
// our errors; never a panic.
func FuzzAnswerOffer(f *testing.F) {
	f.Add([]byte(answerHead + "m=audio 6000 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\na=sendonly\r\n"))
	f.Add([]byte(answerHead + "m=video 0 RTP/AVP\r\nm=audio 6000 RTP/AVP 8\r\n"))
	f.Add([]byte("v=0\no=\ns=\nm=audio 99999999999 RTP/AVP -1 300 abc\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		l := newTestLocalSDP(t)
		out, err := l.answer(body)
		if err != nil {
			if !errors.Is(err, errBadOffer) && !errors.Is(err, errNoAcceptableMedia) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		var offer, ans sdp.SessionDescription
		if err := ans.Unmarshal(out); err != nil {
			t.Fatalf("our answer does not parse: %v\n%s", err, out)
		}
		_ = offer.Unmarshal(body)
		if len(ans.MediaDescriptions) != len(offer.MediaDescriptions) {
			t.Errorf("%d m-lines for an offer of %d", len(ans.MediaDescriptions), len(offer.MediaDescriptions))
		}
	})
}
