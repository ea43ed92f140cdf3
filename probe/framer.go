package probe

import (
	"bytes"
	"errors"
	"strconv"
)

// maxMessage bounds what one SIP message may be on a stream, so a hostile
// server cannot make us buffer without end.
const maxMessage = 256 << 10

var errFrame = errors.New("malformed SIP stream")

// framer splits a TCP/TLS byte stream into SIP messages using
// Content-Length (RFC 3261 §18.3), for the transcript.
type framer struct {
	buf []byte
}

// feed appends p and returns the complete messages now available. After an
// error the framer is unusable: the stream has lost its framing.
func (f *framer) feed(p []byte) ([][]byte, error) {
	f.buf = append(f.buf, p...)
	var out [][]byte
	for {
		// RFC 5626 keep-alives (CRLF) between messages.
		f.buf = bytes.TrimLeft(f.buf, "\r\n")
		if len(f.buf) == 0 {
			return out, nil
		}
		end := bytes.Index(f.buf, []byte("\r\n\r\n"))
		if end < 0 {
			if len(f.buf) > maxMessage {
				return out, wrapNote("frame-no-end", errFrame, "n", strconv.Itoa(len(f.buf)))
			}
			return out, nil
		}
		cl, err := contentLength(f.buf[:end])
		if err != nil {
			return out, err
		}
		total := end + 4 + cl
		if total > maxMessage {
			return out, wrapNote("frame-too-large", errFrame, "n", strconv.Itoa(cl))
		}
		if len(f.buf) < total {
			return out, nil
		}
		msg := make([]byte, total)
		copy(msg, f.buf[:total])
		out = append(out, msg)
		f.buf = f.buf[total:]
	}
}

// pending is what arrived but does not make a whole message yet.
func (f *framer) pending() int { return len(bytes.TrimLeft(f.buf, "\r\n")) }

func contentLength(headers []byte) (int, error) {
	for _, line := range bytes.Split(headers, []byte("\r\n"))[1:] {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		if !bytes.EqualFold(name, []byte("Content-Length")) && !bytes.EqualFold(name, []byte("l")) {
			continue
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err != nil || n < 0 {
			return 0, wrapNote("frame-bad-length", errFrame, "n", strconv.Quote(string(bytes.TrimSpace(value))))
		}
		return n, nil
	}
	return 0, nil
}
