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
// number (from 1). A line that is not a result comes with an error
// wrapping ErrNotResult and a zero Result; reading goes on, so one bad
// line loses nothing else. It stops when fn returns an error (returned
// as is) or reading fails.
func ReadJSONLines(r io.Reader, fn func(line int, res Result, err error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxJSONLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		res, err := parseResultLine(b)
		if err != nil {
			res = Result{}
		}
		if err := fn(line, res, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d MiB: %w", line+1, maxJSONLine>>20, ErrNotResult)
		}
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
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
	case r.Name == "" && r.Target == "":
		return r, fmt.Errorf("%w: neither a name nor a target", ErrNotResult)
	}
	return r, nil
}
