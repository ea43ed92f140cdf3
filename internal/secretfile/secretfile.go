// Package secretfile reads a secret kept in a file (--password-file, a
// scenario's password_file): its first line, without the line ending.
package secretfile

import (
	"errors"
	"strings"
)

// ErrEmpty is returned for a file whose first line is empty: an empty
// password would go out as one and be refused, or end as
// credentials-required, so the file is the mistake.
var ErrEmpty = errors.New("the first line is empty")

// FirstLine is the secret in a file's contents b.
func FirstLine(b []byte) (string, error) {
	line, _, _ := strings.Cut(string(b), "\n")
	if line = strings.TrimRight(line, "\r"); line == "" {
		return "", ErrEmpty
	}
	return line, nil
}
