package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
)

// lazyText is an entry's wording in one language, kept as the JSON it is
// written in (compacted) and decoded on first use (Catalog.text). The
// wording is most of the catalogue's bytes, and a probe renders one
// diagnosis in one language: decoding all of it up front was most of a
// single check's CPU time (issue 13). Load still decodes and checks every
// text. "" is a missing text.
type lazyText string

// UnmarshalJSON keeps a compacted copy of the text's JSON (the decoder's
// buffer is not ours to keep).
func (l *lazyText) UnmarshalJSON(b []byte) error {
	var c bytes.Buffer
	if err := json.Compact(&c, b); err != nil {
		return err
	}
	*l = lazyText(c.String())
	return nil
}

var errNoText = errors.New("missing text")

// decode is the wording.
func (l lazyText) decode() (text, error) {
	var t text
	if l == "" {
		return t, errNoText
	}
	err := json.Unmarshal([]byte(l), &t)
	return t, err
}
