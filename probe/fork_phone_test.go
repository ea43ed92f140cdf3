package probe

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/internal/kamailio"
)

// forkPhone is a second registered contact of an account on the Kamailio
// harness: a tiny UDP user agent that answers the INVITE the registrar
// forks to it with 200 OK and its own To-tag, retransmits that 2xx until an
// ACK in its dialog comes (as a real phone does, RFC 3261 §13.3.1.4), and
// answers BYE. It records the ACKs and BYEs it got.
type forkPhone struct {
	conn *net.UDPConn
	tag  string
	// onCancel: answer when the CANCEL comes (and answer it as well), or
	// 300 ms after the INVITE if it does not: the 2xx that crosses the
	// proxy's CANCEL after another contact answered first.
	onCancel bool

	mu sync.Mutex
	// challengeBye: a BYE without credentials gets 401 (a phone or PBX
	// that authenticates in-dialog requests); one with any is accepted.
	challengeBye bool
	invite       *sip.Request // the one call it takes
	answered     bool
	ackTags      []string // the To-tags of the ACKs that came
	byeTags      []string
	acked        chan struct{}
	ackOnce      sync.Once
	done         chan struct{}
	received     []string // start lines, for failure logs
}

// newForkPhone registers a phone for user with q=1.0 (so the registrar
// forks to it first, before a contact without q) and serves it until the
// test ends.
func newForkPhone(t *testing.T, k *kamailio.Server, user string, onCancel bool) *forkPhone {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &forkPhone{conn: c, tag: "phone" + randHex(4), onCancel: onCancel, acked: make(chan struct{}), done: make(chan struct{})}
	k.AddContact(t, user, "sip:"+user+"@"+c.LocalAddr().String(), time.Hour)
	go p.serve()
	t.Cleanup(func() {
		_ = c.Close()
		<-p.done
	})
	return p
}

func (p *forkPhone) serve() {
	defer close(p.done)
	buf := make([]byte, 65535)
	for {
		n, from, err := p.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		msg, err := sip.ParseMessage(bytes.Clone(buf[:n]))
		if err != nil {
			continue
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			continue
		}
		p.mu.Lock()
		p.received = append(p.received, req.StartLine())
		p.mu.Unlock()
		p.handle(req, from)
	}
}

func (p *forkPhone) handle(req *sip.Request, from *net.UDPAddr) {
	switch req.Method {
	case sip.INVITE:
		p.mu.Lock()
		p.invite = req
		p.mu.Unlock()
		p.send(p.response(req, 180, "Ringing", false), from)
		if !p.onCancel {
			p.answer(req, from)
			break
		}
		// Kamailio CANCELs the branch once another answered; under load
		// that CANCEL can come late (it waits for this branch's 1xx), so
		// the phone also answers by itself a moment later: either way its
		// 2xx follows the other phone's (answer sends only once).
		time.AfterFunc(300*time.Millisecond, func() { p.answer(req, from) })
	case sip.CANCEL:
		p.send(p.response(req, 200, "OK", false), from)
		p.mu.Lock()
		inv := p.invite
		p.mu.Unlock()
		if inv != nil {
			p.answer(inv, from)
		}
	case sip.ACK:
		tag, _ := req.To().Params.Get("tag")
		p.mu.Lock()
		p.ackTags = append(p.ackTags, tag)
		p.mu.Unlock()
		if tag == p.tag {
			p.ackOnce.Do(func() { close(p.acked) })
		}
	case sip.BYE:
		tag, _ := req.To().Params.Get("tag")
		p.mu.Lock()
		p.byeTags = append(p.byeTags, tag)
		challenge := p.challengeBye && req.GetHeader("Authorization") == nil
		p.mu.Unlock()
		if challenge {
			res := sip.NewResponseFromRequest(req, 401, "Unauthorized", nil)
			res.AppendHeader(sip.NewHeader("WWW-Authenticate", `Digest realm="pbx.test", nonce="forkphone`+p.tag+`", algorithm=MD5`))
			p.send([]byte(res.String()), from)
			return
		}
		p.send(p.response(req, 200, "OK", false), from)
	}
}

// answer sends the 2xx once and retransmits it at T1, 2*T1, … until its
// ACK comes, for up to 8 s (64*T1 would outlast the test).
func (p *forkPhone) answer(req *sip.Request, from *net.UDPAddr) {
	p.mu.Lock()
	if p.answered {
		p.mu.Unlock()
		return
	}
	p.answered = true
	p.mu.Unlock()
	ok := p.response(req, 200, "OK", true)
	p.send(ok, from)
	go func() {
		for wait := timerT1; wait < 8*time.Second; wait *= 2 {
			t := time.NewTimer(wait)
			select {
			case <-p.acked:
				t.Stop()
				return
			case <-p.done:
				t.Stop()
				return
			case <-t.C:
				p.send(ok, from)
			}
		}
	}()
}

func (p *forkPhone) response(req *sip.Request, code int, reason string, sdp bool) []byte {
	var body []byte
	if sdp {
		addr := p.conn.LocalAddr().(*net.UDPAddr)
		body = []byte(fmt.Sprintf("v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", addr.Port+2))
	}
	res := sip.NewResponseFromRequest(req, code, reason, body)
	if req.Method == sip.INVITE {
		// sipgo makes up a tag per response; a phone keeps one.
		res.To().Params.Add("tag", p.tag)
	}
	if req.Method == sip.INVITE {
		res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "phone", Host: "127.0.0.1", Port: p.conn.LocalAddr().(*net.UDPAddr).Port}})
		if sdp {
			res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		}
	}
	return []byte(res.String())
}

func (p *forkPhone) send(b []byte, to *net.UDPAddr) { _, _ = p.conn.WriteToUDP(b, to) }

// got reports the ACKs and BYEs the phone received in its own dialog, and
// those in another dialog (an ACK with a foreign To-tag).
func (p *forkPhone) got() (acks, byes, foreign int, log string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, tag := range p.ackTags {
		if tag == p.tag {
			acks++
		} else {
			foreign++
		}
	}
	for _, tag := range p.byeTags {
		if tag == p.tag {
			byes++
		} else {
			foreign++
		}
	}
	return acks, byes, foreign, strings.Join(p.received, " | ")
}
