package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/probe"
)

// progressEvery is how often the progress line is redrawn.
const progressEvery = 100 * time.Millisecond

// progress is one status line on stderr, redrawn in place (\r) while a
// probe or a run is under way and cleared before anything else is printed.
// A nil *progress draws nothing: that is what a stderr that is not a
// terminal gets, so cron mail and CI logs stay free of carriage returns.
type progress struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	text  func(elapsed time.Duration) string
	width int // columns; the line is cut to fit, or \r could not go back

	mu     sync.Mutex
	shown  int // columns of the line on screen, to clear it
	paused bool
	stop   context.CancelFunc
	done   chan struct{}
}

// terminal tells whether w is a terminal, and how wide; tests inject one.
type terminal func(w io.Writer) (width int, ok bool)

// stderrTerminal is the real check: a terminal that is not TERM=dumb.
func stderrTerminal(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return 0, false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	return width, true
}

// newProgress returns nil unless w is a terminal.
func newProgress(w io.Writer, isTerm terminal, now func() time.Time, text func(time.Duration) string) *progress {
	width, ok := isTerm(w)
	if !ok {
		return nil
	}
	return &progress{w: w, now: now, start: now(), text: text, width: width}
}

// run redraws the line every progressEvery until end is called.
func (p *progress) run(ctx context.Context) {
	if p == nil {
		return
	}
	ctx, p.stop = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			p.draw()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// end stops the redrawing and clears the line.
func (p *progress) end() {
	if p == nil {
		return
	}
	if p.stop != nil {
		p.stop()
		<-p.done
	}
	p.pause()
}

// draw writes the current text over the previous one.
func (p *progress) draw() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		return
	}
	line := fit(p.text(p.now().Sub(p.start)), p.width-1)
	n := utf8.RuneCountInString(line)
	pad := max(0, p.shown-n)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	if pad > 0 {
		fmt.Fprintf(p.w, "\r%s", line)
	}
	p.shown = n
}

// pause clears the line and keeps it clear until resume, so that a result
// printed meanwhile starts at the left margin.
func (p *progress) pause() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.shown))
		p.shown = 0
	}
	p.paused = true
}

// resume draws the line again after pause.
func (p *progress) resume() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.paused = false
	p.mu.Unlock()
	p.draw()
}

// fit cuts s to n columns (runes; the texts are not wide characters).
func fit(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// seconds prints a duration as "3.2 s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// probeWaiting says what a single probe waits for, with its deadline
// (--timeout bounds options and register as a whole):
// "waiting for a final response to OPTIONS over UDP… 3.2 s of 10 s".
func probeWaiting(kind probe.Kind, cfg probe.Config) func(time.Duration) string {
	what := "a final response to " + strings.ToUpper(string(kind))
	if kind == probe.KindInvite {
		what = "the test call to " + cfg.Invite.To
	}
	if kind == probe.KindReceive {
		what = "a call to " + cfg.User
	}
	if tr := cfg.FirstTransport(); tr != "" {
		what += " over " + strings.ToUpper(tr)
	}
	if kind == probe.KindInvite || kind == probe.KindReceive {
		// --timeout bounds the call setup only; ringing and the hold come
		// on top, so there is no single limit to show.
		return func(elapsed time.Duration) string {
			return fmt.Sprintf("waiting for %s… %s", what, seconds(elapsed))
		}
	}
	limit := cfg.Timeout
	if limit <= 0 {
		limit = probe.DefaultTimeout
	}
	of := seconds(limit)
	if limit%time.Second == 0 {
		of = fmt.Sprintf("%d s", limit/time.Second)
	}
	return func(elapsed time.Duration) string {
		return fmt.Sprintf("waiting for %s… %s of %s", what, seconds(elapsed), of)
	}
}

// runDone says how far a run is: "3 of 12 probes done… 4.1 s".
func runDone(done func() int, total int) func(time.Duration) string {
	return func(elapsed time.Duration) string {
		return fmt.Sprintf("%d of %s done… %s", done(), plural.Count(total, "probe", "probes"), seconds(elapsed))
	}
}
