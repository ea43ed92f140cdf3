package transport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

func TestCheckAnswer(t *testing.T) {
	const key = "dGhlIHNhbXBsZSBub25jZQ=="
	good := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
	cases := []struct {
		name, answer, kind, header string
		status                     int
	}{
		{"RFC 6455 example with sip", good, "", "", 101},
		{"no subprotocol", strings.Replace(good, "Sec-WebSocket-Protocol: sip\r\n", "", 1), UpgradeNoSubprotocol, "Sec-WebSocket-Protocol: sip", 101},
		{"another subprotocol", strings.Replace(good, ": sip\r\n", ": chat\r\n", 1), UpgradeNoSubprotocol, "Sec-WebSocket-Protocol: sip", 101},
		{"no Upgrade", strings.Replace(good, "Upgrade: websocket\r\n", "", 1), UpgradeNoUpgrade, "Upgrade: websocket", 101},
		{"wrong accept", strings.Replace(good, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "AAAA", 1), UpgradeNoUpgrade, "Sec-WebSocket-Accept", 101},
		{"404", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", UpgradeNotFound, "", 404},
		{"426", "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n", UpgradeStatus, "", 426},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(tc.answer)), nil)
			if err != nil {
				t.Fatal(err)
			}
			err = checkAnswer(resp, key)
			if tc.kind == "" {
				if err != nil {
					t.Fatalf("refused a good answer: %v", err)
				}
				return
			}
			var ue *UpgradeError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUpgrade) {
				t.Fatalf("error %v, want an UpgradeError", err)
			}
			if ue.Kind != tc.kind || ue.Header != tc.header || ue.Status != tc.status {
				t.Errorf("got %+v, want kind %s header %q status %d", ue, tc.kind, tc.header, tc.status)
			}
		})
	}
}

// TestConnFrames: fragments are joined, pings answered, a close ends the
// stream, and what we send is one masked text frame per Write.
func TestConnFrames(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	c := &Conn{Conn: client, r: bufio.NewReader(client)}
	defer c.Close()
	go func() {
		_ = ws.WriteFrame(server, ws.NewFrame(ws.OpText, false, []byte("SIP/2.0 200 ")))
		_ = ws.WriteFrame(server, ws.NewPingFrame([]byte("hi")))
	}()
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 64)
		var all []byte
		for {
			n, err := c.Read(b)
			all = append(all, b[:n]...)
			if err != nil {
				got <- string(all) + "|" + err.Error()
				return
			}
		}
	}()
	pong, err := ws.ReadFrame(server)
	if err != nil || pong.Header.OpCode != ws.OpPong || !pong.Header.Masked {
		t.Fatalf("pong %+v, %v", pong.Header, err)
	}
	go func() {
		_ = ws.WriteFrame(server, ws.NewFrame(ws.OpContinuation, true, []byte("OK\r\n\r\n")))
		_ = ws.WriteFrame(server, ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusNormalClosure, "")))
	}()
	if closeAnswer, err := ws.ReadFrame(server); err != nil || closeAnswer.Header.OpCode != ws.OpClose {
		t.Fatalf("close answer %+v, %v", closeAnswer.Header, err)
	}
	if s := <-got; s != "SIP/2.0 200 OK\r\n\r\n|"+io.EOF.Error() {
		t.Errorf("read %q", s)
	}
	go func() { _, _ = c.Write([]byte("OPTIONS sip:x SIP/2.0\r\n\r\n")) }()
	f, err := ws.ReadFrame(server)
	if err != nil || f.Header.OpCode != ws.OpText || !f.Header.Masked || !f.Header.Fin {
		t.Fatalf("frame %+v, %v", f.Header, err)
	}
	ws.Cipher(f.Payload, f.Header.Mask, 0)
	if string(f.Payload) != "OPTIONS sip:x SIP/2.0\r\n\r\n" {
		t.Errorf("payload %q", f.Payload)
	}
}

// TestHandshakeCanceled: a canceled context ends a handshake the server
// never answers, with the context's error.
func TestHandshakeCanceled(t *testing.T) {
	client, server := net.Pipe()
	defer server.Close()
	go func() { _, _ = io.Copy(io.Discard, server) }()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Handshake(ctx, client, "pbx", "/ws")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
