// Package demo runs sipprobe's probes against a built-in loopback test PBX
// with a few deliberate faults, so that a new user sees every kind of
// diagnosis without a PBX of their own (`sipprobe demo`).
package demo

import (
	"context"
	"sync"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// Step is one demo probe: what it shows and the diagnosis it must produce.
type Step struct {
	Name   string // result name, e.g. "demo-wrong-password"
	Title  string // one line for the reader
	Kind   probe.Kind
	Config probe.Config
	Expect string // diagnosis id
}

// Outcome is a step with the result it gave.
type Outcome struct {
	Step
	Result results.Result
}

// Met reports whether the step gave the diagnosis it was designed to.
func (o Outcome) Met() bool { return o.Result.Diagnosis.ID == o.Expect }

// Report is a whole demo run.
type Report struct {
	PBX      string // the test PBX's UDP/TCP address
	Outcomes []Outcome
	Elapsed  time.Duration
}

// AllMet reports whether every step gave its designed diagnosis.
func (r Report) AllMet() bool {
	for _, o := range r.Outcomes {
		if !o.Met() {
			return false
		}
	}
	return len(r.Outcomes) > 0
}

// Option tunes Run.
type Option func(*config)

type config struct {
	lang      catalog.Lang
	userAgent string
	timeout   time.Duration
}

// WithLang sets the language of the diagnoses.
func WithLang(l catalog.Lang) Option { return func(c *config) { c.lang = l } }

// WithUserAgent sets the probes' User-Agent.
func WithUserAgent(ua string) Option { return func(c *config) { c.userAgent = ua } }

// WithTimeout sets the timeout of the probes that wait for silence. The
// default, 2 s, is long enough for the TCP fallback check (at half the
// timeout) and keeps the whole demo near two seconds.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// Run starts the lab, runs every step at once (they talk to different
// ports, and the slow ones only wait), stops the lab and returns the
// outcomes in step order. The error is for a lab that could not start.
func Run(ctx context.Context, opts ...Option) (Report, error) {
	cfg := config{lang: catalog.EN, userAgent: "sipprobe-demo", timeout: 2 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	start := time.Now()
	l, err := startLab(ctx)
	if err != nil {
		return Report{}, err
	}
	defer l.close()

	steps := l.steps(cfg)
	out := make([]Outcome, len(steps))
	var wg sync.WaitGroup
	for i, st := range steps {
		wg.Go(func() {
			r := probe.Run(ctx, st.Kind, st.Config)
			r.Name = st.Name
			out[i] = Outcome{Step: st, Result: r}
		})
	}
	wg.Wait()
	return Report{PBX: l.pbx.Addr("udp"), Outcomes: out, Elapsed: time.Since(start)}, nil
}
