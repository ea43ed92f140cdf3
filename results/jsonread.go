package results

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrNotResult marks a line of a JSON Lines file that is not a sipprobe
// result: not JSON, or JSON without what every result has.
var ErrNotResult = errors.New("not a sipprobe result")

// maxJSONLine bounds one line: a result with its transcript is kilobytes;
// a 16 MiB line is not one sipprobe wrote.
const maxJSONLine = 16 << 20

// ReadJSONLines reads results as WriteJSON writes them (--json FILE), one
// per line, and calls fn for each non-blank line in order with its line
// number (from 1). A line that is not a result (too long, not JSON, not
// whole) comes with an error wrapping ErrNotResult and a zero Result;
// reading goes on, so one bad line loses nothing else. It stops when fn
// returns an error (returned as is) or reading fails.
func ReadJSONLines(r io.Reader, fn func(line int, res Result, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for line := 1; ; line++ {
		var tooLong bool
		var rerr error
		buf, tooLong, rerr = readLine(br, buf)
		b := bytes.TrimSpace(buf)
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a BOM from a Windows editor
		}
		var (
			res Result
			err error
		)
		switch {
		case tooLong:
			err = fmt.Errorf("%w: longer than %d MiB", ErrNotResult, maxJSONLine>>20)
		case len(b) == 0:
		default:
			if res, err = parseResultLine(b); err != nil {
				res = Result{}
			}
		}
		if tooLong || len(b) > 0 {
			if err := fn(line, res, err); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("line %d: %w", line, rerr)
		}
	}
}

// readLine reads one line into buf (reused) and returns it; a line longer
// than maxJSONLine is read to its end and dropped (tooLong), so memory
// stays bounded and the next line is read whole. err is io.EOF after the
// last line.
func readLine(br *bufio.Reader, buf []byte) ([]byte, bool, error) {
	buf = buf[:0]
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > maxJSONLine {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err != bufio.ErrBufferFull {
			return buf, tooLong, err
		}
	}
}

// parseResultLine decodes one line and checks it is a whole result: a
// known probe kind, a start time, a status and a diagnosis.
func parseResultLine(b []byte) (Result, error) {
	var r Result
	if b[0] != '{' {
		return r, fmt.Errorf("%w: a line must be one JSON object (JSON Lines, as --json FILE writes)", ErrNotResult)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return r, fmt.Errorf("%w: invalid JSON at byte %d of the line (a pretty-printed result spans lines; --json FILE writes one per line)", ErrNotResult, se.Offset)
		}
		return r, fmt.Errorf("%w: %v", ErrNotResult, err)
	}
	switch {
	case r.Probe != "options" && r.Probe != "register" && r.Probe != "invite" && r.Probe != "receive":
		return r, fmt.Errorf("%w: probe %q is not options, register, invite or receive", ErrNotResult, Safe(clip(r.Probe, 40)))
	case r.StartedAt.IsZero():
		return r, fmt.Errorf("%w: no started_at", ErrNotResult)
	case r.Status != StatusOK && r.Status != StatusWarning && r.Status != StatusCritical && r.Status != StatusUnknown:
		return r, fmt.Errorf("%w: status %q is not ok, warning, critical or unknown", ErrNotResult, Safe(clip(string(r.Status), 40)))
	case r.Diagnosis.ID == "":
		return r, fmt.Errorf("%w: no diagnosis id", ErrNotResult)
	case r.Diagnosis.ID == "ok" && r.Status != StatusOK:
		// DESIGN §1: a warning or critical result never carries "ok".
		return r, fmt.Errorf("%w: status %s with diagnosis ok", ErrNotResult, r.Status)
	case r.Name == "" && r.Target == "":
		return r, fmt.Errorf("%w: neither a name nor a target", ErrNotResult)
	}
	return r, nil
}
