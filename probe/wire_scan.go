package probe

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// A UDP datagram is parsed by sipgo right after the tap reads it. Parsing
// it a second time to list the response and to notice garbage cost a sweep
// a tenth of its CPU (issue 13), so a plain response is only scanned for
// what the transcript needs: the status code, the reason and the CSeq
// method. Whether the datagram is usable SIP stays sipgo's own verdict:
// its transport reports a datagram it cannot parse to the link's logger
// (parseFailures), which turns the response the scan listed into the
// same "unparseable" note the full parse gives. Anything the scan does not
// recognise as an ordinary response gets the full parse, as do streams.

// scanResponse reads a response's status line and its CSeq the way sipgo's
// parser does (sip.Parser: lines end at CR LF, names are matched in ASCII
// lower case, the last CSeq counts). ok is false for anything unusual: a
// request, a folded header line, no Via, no or several CSeq headers, a
// line without a colon or CR LF. Those get the full parse.
func scanResponse(raw []byte) (r results.Response, ok bool) {
	const prefix = "SIP/2.0 "
	if !bytes.HasPrefix(raw, []byte(prefix)) {
		return r, false
	}
	line, rest, ok := crlfLine(raw)
	if !ok {
		return r, false
	}
	status := line[len(prefix):]
	if len(status) < 4 || status[3] != ' ' {
		return r, false
	}
	code := 0
	for _, c := range status[:3] {
		if c < '0' || c > '9' {
			return r, false
		}
		code = code*10 + int(c-'0')
	}
	reason := status[4:]
	// sipgo takes a start line whose third part has no space and begins
	// with "sip" for a request line.
	if len(reason) >= 3 && bytes.IndexByte(reason, ' ') < 0 && sip.UriIsSIP(string(reason[:3])) {
		return r, false
	}
	var cseq []byte
	via := false
	for {
		line, rest, ok = crlfLine(rest)
		if !ok {
			return r, false
		}
		if len(line) == 0 {
			break
		}
		if len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			return r, false // folded: rare, left to the parser
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return r, false
		}
		name := bytes.TrimSpace(line[:colon])
		switch {
		case asciiEqualFold(name, "via") || asciiEqualFold(name, "v"):
			via = true
		case asciiEqualFold(name, "cseq"):
			if cseq != nil {
				return r, false
			}
			cseq = bytes.TrimSpace(line[colon+1:])
		}
	}
	if !via || cseq == nil {
		return r, false
	}
	// As sip.parseCSeqHeader: the method is all after the first blank.
	sp := bytes.IndexAny(cseq, " \t")
	if sp < 1 || len(cseq)-sp < 2 {
		return r, false
	}
	if _, err := strconv.ParseUint(string(cseq[:sp]), 10, 31); err != nil {
		return r, false
	}
	return results.Response{Code: code, Reason: string(reason), Method: string(cseq[sp+1:])}, true
}

// crlfLine splits off one line ended by CR LF, as sipgo's nextLine does.
func crlfLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\r')
	if i < 0 || i+1 >= len(b) || b[i+1] != '\n' {
		return nil, nil, false
	}
	return b[:i], b[i+2:], true
}

// asciiEqualFold compares a header name with a lower-case one in ASCII
// only, as sipgo's header lookup does (bytes.EqualFold would also fold
// the Kelvin sign to k).
func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// scanned is a response a wire listed from the scan alone; sipgo's parse of
// the same datagram is still to come.
type scanned struct {
	w *wire
	r results.Response
	n int
}

// inboundScan records a received datagram and lists it if the scan can; it
// falls back to inbound's full parse otherwise, and then returns nothing
// to settle.
func (w *wire) inboundScan(transport, local, remote string, raw []byte) scanned {
	at := w.recordAt(time.Now(), results.DirIn, transport, local, remote, raw)
	r, ok := scanResponse(raw)
	if !ok {
		w.check(at, remote, raw)
		return scanned{}
	}
	r.AtMs = at
	w.mu.Lock()
	w.resps = append(w.resps, r)
	w.mu.Unlock()
	return scanned{w: w, r: r, n: len(raw)}
}

// unparseable takes back a scanned response sipgo could not parse and
// notes it as the full parse would have.
func (s scanned) unparseable(remote, text string) {
	w := s.w
	w.mu.Lock()
	// Equal entries are interchangeable: which one goes does not change
	// the list.
	for i := len(w.resps) - 1; i >= 0; i-- {
		if w.resps[i] == s.r {
			w.resps = append(w.resps[:i], w.resps[i+1:]...)
			break
		}
	}
	w.mu.Unlock()
	w.addFault(faultMalformed, catalog.NewNote("unparseable", "addr", remote, "n", strconv.Itoa(s.n), "text", text))
}

// parseFailures is the slog handler of a UDP link's sipgo transport layer:
// it hears sipgo's "failed to parse" for a datagram the tap scanned, and
// ignores all else, as the discarding default logger did.
type parseFailures struct{ tap *udpTap }

func (h parseFailures) Enabled(_ context.Context, l slog.Level) bool {
	return l >= slog.LevelError
}

func (h parseFailures) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message != "failed to parse" {
		return nil
	}
	var data, text string
	rec.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "data":
			data = a.Value.String()
		case "error":
			if err, ok := a.Value.Any().(error); ok {
				text = err.Error()
			}
		}
		return true
	})
	s := h.tap.takeScanned()
	if s.w == nil || s.n != len(data) {
		return nil
	}
	s.unparseable(h.tap.remote, text)
	return nil
}

func (h parseFailures) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h parseFailures) WithGroup(string) slog.Handler      { return h }

// lastScan is the scanned response of the datagram sipgo is about to
// parse. sipgo reads and parses one datagram at a time, in one goroutine.
type lastScan struct {
	mu sync.Mutex
	s  scanned
}

func (l *lastScan) set(s scanned) {
	l.mu.Lock()
	l.s = s
	l.mu.Unlock()
}

func (u *udpTap) takeScanned() scanned {
	u.scan.mu.Lock()
	defer u.scan.mu.Unlock()
	s := u.scan.s
	u.scan.s = scanned{}
	return s
}
