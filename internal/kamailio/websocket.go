package kamailio

import (
	"net"
	"strconv"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// wsPorts are the WebSocket listeners' ports; zero without WithWebSocket.
type wsPorts struct{ ws, wss int }

// pickWSPorts chooses two more free ports, distinct from the SIP ones.
func pickWSPorts(c *config, port, tlsPort int) (wsPorts, error) {
	if !c.webSocket {
		return wsPorts{}, nil
	}
	if c.ns != nil {
		return wsPorts{ws: 80, wss: 443}, nil
	}
	var p wsPorts
	var err error
	if p.ws, err = testpeers.FreePortHost(c.host); err != nil {
		return p, err
	}
	if p.wss, err = testpeers.FreePortHost(c.host); err != nil {
		return p, err
	}
	seen := map[int]bool{port: true, tlsPort: true}
	if seen[p.ws] || seen[p.wss] || p.ws == p.wss {
		return p, testpeers.ErrPortTaken
	}
	return p, nil
}

// WSURL is the URL of the WebSocket listener for "ws" or "wss" with path
// (WSPath is the one Kamailio upgrades).
func (s *Server) WSURL(transport, path string) string {
	return transport + "://" + net.JoinHostPort(s.host, strconv.Itoa(map[string]int{"ws": s.ws.ws, "wss": s.ws.wss}[transport])) + path
}
