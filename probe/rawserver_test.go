package probe

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// behaviour decides what a raw test server sends back for one request.
// It returns the raw replies to write; closeAfter closes a TCP connection.
type behaviour func(req *sip.Request) (replies []string, closeAfter bool)

// respondTo builds a response to req the way a server would.
func respondTo(req *sip.Request, code int, reason string, mutate ...func(*sip.Response)) string {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, m := range mutate {
		m(res)
	}
	return res.String()
}

// rawServer is a minimal, scriptable SIP peer on loopback for faults real
// servers will not produce on demand (garbage, missing Via, truncation).
type rawServer struct {
	udp  *net.UDPConn
	tcp  net.Listener
	wg   sync.WaitGroup
	mu   sync.Mutex
	reqs []*sip.Request
}

func startRawServer(t *testing.T, b behaviour) *rawServer {
	t.Helper()
	s := &rawServer{}
	var err error
	for i := 0; i < 20; i++ { // UDP and TCP on the same port number
		s.udp, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		s.tcp, err = net.Listen("tcp", s.udp.LocalAddr().String())
		if err == nil {
			break
		}
		s.udp.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	s.wg.Add(2)
	go s.serveUDP(b)
	go s.serveTCP(b)
	t.Cleanup(func() {
		s.udp.Close()
		s.tcp.Close()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) addr() string { return s.udp.LocalAddr().String() }

func (s *rawServer) record(r *sip.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
}

func (s *rawServer) requests() []*sip.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*sip.Request(nil), s.reqs...)
}

func (s *rawServer) serveUDP(b behaviour) {
	defer s.wg.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := s.udp.ReadFromUDP(buf)
		if err != nil {
			return
		}
		msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			continue
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			continue
		}
		s.record(req)
		replies, _ := b(req)
		for _, r := range replies {
			_, _ = s.udp.WriteToUDP([]byte(r), from)
		}
	}
}

func (s *rawServer) serveTCP(b behaviour) {
	defer s.wg.Done()
	var conns sync.WaitGroup
	defer conns.Wait()
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		conns.Add(1)
		go func() {
			defer conns.Done()
			defer c.Close()
			rd := bufio.NewReader(c)
			var f framer
			buf := make([]byte, 4096)
			for {
				n, err := rd.Read(buf)
				if err != nil {
					return
				}
				msgs, ferr := f.feed(buf[:n])
				for _, m := range msgs {
					msg, err := sip.ParseMessage(m)
					if err != nil {
						continue
					}
					req, ok := msg.(*sip.Request)
					if !ok || strings.EqualFold(string(req.Method), "ACK") {
						continue
					}
					s.record(req)
					replies, closeAfter := b(req)
					for _, r := range replies {
						_, _ = c.Write([]byte(r))
					}
					if closeAfter {
						return
					}
				}
				if ferr != nil {
					return
				}
			}
		}()
	}
}
