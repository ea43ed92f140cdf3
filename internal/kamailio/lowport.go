package kamailio

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// lowPortFloor keeps clear of the well-known ports (and of 5060/5061,
// which a packaged Kamailio may hold).
const lowPortFloor = 5100

// WithPortBelow puts the UDP/TCP listener on a free port below limit
// instead of an ephemeral one. sipsak 0.9.8 cuts a five-digit port in its
// request URI to four digits (OPTIONS sip:127.0.0.1:3387 for port 33879),
// so a side-by-side run with sipsak needs a port of four digits.
func WithPortBelow(limit int) Option { return func(c *config) { c.portBelow = limit } }

// freePortBelow tries random ports in [lowPortFloor, limit) until one is
// free for both UDP and TCP on host.
func freePortBelow(host string, limit int) (int, error) {
	if limit <= lowPortFloor+1 {
		return 0, fmt.Errorf("%w: port limit %d is not above %d", ErrConfig, limit, lowPortFloor)
	}
	for range 100 {
		port := lowPortFloor + rand.IntN(limit-lowPortFloor)
		addr := net.JoinHostPort(host, strconv.Itoa(port))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		pc, err := net.ListenPacket("udp", addr)
		ln.Close()
		if err != nil {
			continue
		}
		pc.Close()
		return port, nil
	}
	return 0, fmt.Errorf("%w below %d on %s", testpeers.ErrNoFreePort, limit, host)
}
