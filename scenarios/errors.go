package scenarios

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrInvalid marks a scenario file that failed validation: exit 3,
	// nothing sent. The error is a *ValidationError listing every problem.
	ErrInvalid = errors.New("invalid scenario file")
	// ErrRead marks a scenario file that could not be read at all.
	ErrRead = errors.New("cannot read scenario file")
)

// Problem is one validation finding, located in the file.
type Problem struct {
	File  string
	Line  int    // 1-based; 0 when the problem has no single place
	Where string // "defaults", `probe "reg-120"`, "probe #3" or "" (whole file)
	Key   string // dotted key inside Where, e.g. "expect.diagnosis"
	Msg   string
}

// String renders "file:line: where: key: message", leaving out empty parts.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Where != "" {
		b.WriteString(p.Where + ": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// ValidationError lists every problem found in a scenario file, in file
// order, so the user fixes them in one pass.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }
