package history

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultPath is where the history lives unless --db says otherwise:
// $XDG_STATE_HOME/sipprobe/history.db, else ~/.local/state/sipprobe/history.db.
// The XDG base-directory spec puts "state that should persist between
// restarts but is not important enough for $XDG_DATA_HOME" there — exactly
// what a probe history is.
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		// The spec says relative values are invalid and must be ignored.
		return filepath.Join(d, "sipprobe", "history.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%w: no state directory: %v", ErrOpen, err)
	}
	return filepath.Join(home, ".local", "state", "sipprobe", "history.db"), nil
}
