package probe

import (
	"bufio"
	"crypto/sha1" //nolint:gosec // RFC 6455 §4.2.2
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"github.com/sipprobe/sipprobe/results"
)

// wsFault is how the fake WebSocket server below misbehaves.
type wsFault int

const (
	wsNoSubprotocol       wsFault = iota // 101 without Sec-WebSocket-Protocol
	wsNoUpgrade                          // 101 without Upgrade: websocket
	wsForbidden                          // 403 Forbidden
	wsCloseBeforeAnswer                  // closes the connection instead of answering
	wsCloseMidTransaction                // upgrades, reads the SIP request, closes
)

// startWSFault serves one misbehaviour on a loopback port: faults a real
// Kamailio will not produce on demand. It returns ws://addr/ws.
func startWSFault(t *testing.T, f wsFault) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				serveWSFault(c, f)
			}()
		}
	}()
	return "ws://" + ln.Addr().String() + "/ws"
}

func serveWSFault(c net.Conn, f wsFault) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil || f == wsCloseBeforeAnswer {
		return
	}
	h := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) //nolint:gosec // RFC 6455
	accept := base64.StdEncoding.EncodeToString(h[:])
	upgrade, protocol := "Upgrade: websocket\r\n", "Sec-WebSocket-Protocol: sip\r\n"
	switch f {
	case wsForbidden:
		_, _ = c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
		return
	case wsNoSubprotocol:
		protocol = ""
	case wsNoUpgrade:
		upgrade = ""
	}
	_, _ = c.Write([]byte("HTTP/1.1 101 Switching Protocols\r\n" + upgrade + "Connection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + accept + "\r\n" + protocol + "\r\n"))
	if f == wsCloseMidTransaction {
		// Read the SIP request, then drop the connection without a word.
		_, _ = ws.ReadFrame(br)
	}
}

// TestWebSocketFaults: a refused upgrade names the status or the missing
// header; a WebSocket dropped mid-transaction is connection-closed.
func TestWebSocketFaults(t *testing.T) {
	cases := []struct {
		name   string
		fault  wsFault
		kind   Kind
		id     string
		inNote string
	}{
		{"101 without the sip subprotocol", wsNoSubprotocol, KindOptions, "websocket-upgrade-refused", "without Sec-WebSocket-Protocol: sip"},
		{"101 without Upgrade", wsNoUpgrade, KindOptions, "websocket-upgrade-refused", "without Upgrade: websocket"},
		{"403 Forbidden", wsForbidden, KindRegister, "websocket-upgrade-refused", "HTTP 403 Forbidden"},
		{"closed before answering the upgrade", wsCloseBeforeAnswer, KindOptions, "connection-closed", "closed before the WebSocket upgrade"},
		{"closed mid-transaction", wsCloseMidTransaction, KindRegister, "connection-closed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := startWSFault(t, tc.fault)
			r := kamProbe(t, tc.kind, Config{Target: url, User: "120", Password: "x", Timeout: 2 * time.Second})
			wantDiagnosis(t, r, tc.id, results.StatusCritical)
			if r.Transport != "ws" {
				t.Errorf("transport %q", r.Transport)
			}
			if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, tc.inNote) {
				t.Errorf("notes %q, want %q", notes, tc.inNote)
			}
		})
	}
	t.Run("the subprotocol case says so in the summary", func(t *testing.T) {
		r := kamProbe(t, KindOptions, Config{Target: startWSFault(t, wsNoSubprotocol), Timeout: 2 * time.Second})
		if !strings.Contains(r.Diagnosis.Summary, "sip subprotocol") {
			t.Errorf("summary %q", r.Diagnosis.Summary)
		}
	})
}
