package testpeers

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"
)

// ErrNoFreePort is returned when no loopback port was free for both UDP and
// TCP after several attempts.
var ErrNoFreePort = errors.New("testpeers: no free UDP+TCP port")

// pairAttempts bounds the search; a busy machine rarely needs more than two.
const pairAttempts = 50

// FreePort returns a port on 127.0.0.1 that was free for both UDP and TCP
// when it was checked. SIP servers listen on the same number for both, so a
// port free for only one of them is useless. The port is released before
// returning: the caller must bind it soon and retry on EADDRINUSE, because
// another process may take it in between.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := FreePortHost("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// FreePortHost is FreePort for another loopback host (say "::1") and without
// a testing.TB, for use in retry loops.
func FreePortHost(host string) (int, error) {
	var lastErr error
	for range pairAttempts {
		// Let the kernel pick a TCP port, then check UDP on the same number.
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNoFreePort, err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port)))
		ln.Close()
		if err != nil {
			lastErr = err
			continue
		}
		pc.Close()
		return port, nil
	}
	return 0, fmt.Errorf("%w on %s: %w", ErrNoFreePort, host, lastErr)
}

// FreeUDPPort returns a UDP port on 127.0.0.1 that was free when checked.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("%v: %v", ErrNoFreePort, err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}
