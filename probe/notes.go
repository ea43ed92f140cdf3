package probe

import (
	"errors"

	"github.com/sipprobe/sipprobe/catalog"
)

// The probe words what it saw as catalogue notes (catalog.Note), never as
// English text, so a result reads in its language (issue 9). Where an
// error travels as a Go error, noteError carries its note; its Error() is
// the English text, for r.Error and logs.

// noteError is an error the probe words itself; err is the OS's or a
// library's error it wraps, if any.
type noteError struct {
	note catalog.Note
	err  error
}

func (e *noteError) Error() string { return enText(e.note) }
func (e *noteError) Unwrap() error { return e.err }

// wrapNote is the note key about err: err's own text is its {text}
// unless kv, further values as name, value pairs, give one.
func wrapNote(key string, err error, kv ...string) *noteError {
	if err != nil {
		kv = append([]string{"text", err.Error()}, kv...)
	}
	return &noteError{note: catalog.NewNote(key, kv...), err: err}
}

// noteOf is err as a note: its own when the probe worded it, else its
// text as it is.
func noteOf(err error) catalog.Note {
	var ne *noteError
	if errors.As(err, &ne) && ne.Error() == err.Error() {
		return ne.note
	}
	return catalog.Text(err.Error())
}

// enText is a note's English text.
func enText(n catalog.Note) string { return catalog.Default().NoteText(n, catalog.EN) }

// addNote appends the probe's note to the exchange's detail.
func addNote(ex *catalog.Exchange, n catalog.Note) {
	ex.DetailNotes = append(ex.DetailNotes, n)
}

// setNote makes n the exchange's whole detail.
func setNote(ex *catalog.Exchange, n catalog.Note) {
	ex.Detail, ex.DetailNotes = "", []catalog.Note{n}
}
