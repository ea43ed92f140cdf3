package testpbx

import (
	"fmt"
	"net"
)

// openMedia binds the call's RTP socket on loopback. With echo, every
// packet is sent back to its sender (an echo-test extension); without, the
// socket only exists so that RTP sent to the answer's port is not refused.
func (p *PBX) openMedia(echo bool) (*net.UDPConn, error) {
	m, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, fmt.Errorf("%w: media: %v", ErrListen, err)
	}
	if !p.track(m) {
		_ = m.Close()
		return nil, ErrClosed
	}
	if !p.spawn(func() { p.serveMedia(m, echo) }) {
		p.untrack(m)
		_ = m.Close()
		return nil, ErrClosed
	}
	return m, nil
}

// serveMedia runs until the socket is closed (call end or Close).
func (p *PBX) serveMedia(m *net.UDPConn, echo bool) {
	buf := make([]byte, 2048)
	for {
		n, from, err := m.ReadFromUDP(buf)
		if err != nil {
			if p.ctx.Err() != nil || isClosed(err) {
				return
			}
			continue
		}
		if echo {
			_, _ = m.WriteToUDP(buf[:n], from)
		}
	}
}
