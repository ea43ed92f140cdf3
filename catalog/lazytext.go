package catalog

import (
	"encoding/json"
	"sync"
)

// lazyText is an entry's wording in one language, kept as the JSON it is
// written in and decoded on first use. The wording is most of the
// catalogue's bytes, and a probe renders one diagnosis in one language:
// decoding all of it up front was most of a single check's CPU time
// (issue 13). Load still decodes and checks every text.
type lazyText struct {
	raw    string // the JSON; data_gen.go is written from it
	decode func() (text, error)
}

// UnmarshalJSON keeps a copy of the text's JSON (the decoder's buffer is
// not ours to keep).
func (l *lazyText) UnmarshalJSON(b []byte) error {
	*l = lazyJSON(string(b))
	return nil
}

// lazyJSON is the text whose JSON is raw; "" is a missing text.
func lazyJSON(raw string) lazyText {
	if raw == "" {
		return lazyText{}
	}
	return lazyText{raw: raw, decode: sync.OnceValues(func() (text, error) {
		var t text
		err := json.Unmarshal([]byte(raw), &t)
		return t, err
	})}
}

// eager wraps a text that is already decoded (the fallback catalogue).
func eager(t text) lazyText {
	return lazyText{decode: func() (text, error) { return t, nil }}
}

// text is the wording; a missing or malformed one (which Load reports,
// and the package tests reject for the embedded data) is empty.
func (l lazyText) text() text {
	if l.decode == nil {
		return text{}
	}
	t, _ := l.decode()
	return t
}
