package main

import (
	"bytes"
	"errors"
	"testing"
)

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestFlushWriter(t *testing.T) {
	t.Run("lines reach the writer whole and in order at Flush", func(t *testing.T) {
		var got bytes.Buffer
		f := newFlushWriter(&got)
		want := ""
		for _, l := range []string{"{\"a\":1}\n", "{\"b\":2}\n", "{\"c\":3}\n"} {
			if _, err := f.Write([]byte(l)); err != nil {
				t.Fatal(err)
			}
			want += l
		}
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Fatalf("got %q, want %q", got.String(), want)
		}
	})
	t.Run("a failed write is returned by Flush", func(t *testing.T) {
		boom := errors.New("disk full")
		f := newFlushWriter(failWriter{boom})
		if _, err := f.Write([]byte("x\n")); err != nil {
			t.Fatal(err)
		}
		if err := f.Flush(); !errors.Is(err, boom) {
			t.Fatalf("Flush: %v, want %v", err, boom)
		}
	})
}
