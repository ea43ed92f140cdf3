package main

import (
	"bufio"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// flushEvery bounds how long a buffered result line waits: `tail -f` on
// a JSON Lines file still sees a sweep progress.
const flushEvery = time.Second

// flushWriter buffers the lines of a result stream: a sweep writes
// thousands of short lines, and one write syscall each cost about a tenth
// of its CPU. What is written reaches w at the latest flushEvery later
// (a timer armed by the first write after a flush, so an idle stream
// starts nothing), and at Flush.
type flushWriter struct {
	mu    sync.Mutex
	b     *bufio.Writer
	timer *time.Timer
	armed bool
	err   error // the first failed timed flush, returned by the next call
}

func newFlushWriter(w io.Writer) *flushWriter {
	f := &flushWriter{b: bufio.NewWriterSize(w, 64<<10)}
	f.timer = time.AfterFunc(time.Hour, f.timedFlush)
	f.timer.Stop()
	return f
}

func (f *flushWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.b.Write(p)
	if err == nil && !f.armed && f.b.Buffered() > 0 {
		f.armed = true
		f.timer.Reset(flushEvery)
	}
	return n, err
}

func (f *flushWriter) timedFlush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
	if err := f.b.Flush(); err != nil && f.err == nil {
		f.err = err
	}
}

// Flush writes out what is buffered and stops the timer.
func (f *flushWriter) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.timer.Stop()
	f.armed = false
	if f.err != nil {
		return f.err
	}
	return f.b.Flush()
}

// writesToTerminal reports whether w is a terminal (whatever NO_COLOR says).
func writesToTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
