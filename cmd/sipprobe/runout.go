package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/scenarios"
)

// resultSink is one output of a run: stdout in the chosen format, or one
// of the --junit/--json/--prom-file files.
type resultSink interface {
	Add(r results.Result) error
	// Close finishes the output; elapsed is the run's duration, end its end.
	Close(elapsed time.Duration, end time.Time) error
}

// outputs fans results out to stdout (which --notify-on-change filters)
// and to the files (which always get every result).
type outputs struct {
	stdout resultSink
	files  []resultSink
	shown  int
	notify bool
	// omitStdout: print nothing on stdout at the end (nothing ran, and an
	// error says why); the files are still written.
	omitStdout bool
}

func newOutputs(c *cli.Context, format string, f *scenarios.File, start time.Time, lang catalog.Lang) (*outputs, error) {
	o := &outputs{notify: c.Bool("notify-on-change")}
	spec := runSpec(f, start, lang)
	var err error
	if o.stdout, err = newSink(format, c.App.Writer, "", spec); err != nil {
		return nil, err
	}
	outputStarted(c)
	for _, ff := range []struct{ flag, format string }{{"junit", "junit"}, {"json", "json"}, {"prom-file", "prom"}} {
		if path := c.String(ff.flag); path != "" {
			s, err := newSink(ff.format, nil, path, spec)
			if err != nil {
				return nil, err
			}
			o.files = append(o.files, s)
		}
	}
	return o, nil
}

// sweepAdder is a sink that summarises the rows of accounts files apart
// from the ordinary results (sweepSink); other sinks take every result
// alike.
type sweepAdder interface {
	AddSweep(r results.Result) error
}

// addTo gives s the result of ev, a row of an accounts file as such.
func addTo(s resultSink, ev scenarios.Event) error {
	if a, ok := s.(sweepAdder); ok && ev.Sweep {
		return a.AddSweep(ev.Result)
	}
	return s.Add(ev.Result)
}

func (o *outputs) add(ev scenarios.Event, show bool) error {
	for _, s := range o.files {
		if err := addTo(s, ev); err != nil {
			return err
		}
	}
	if !show {
		return nil
	}
	o.shown++
	return addTo(o.stdout, ev)
}

func (o *outputs) close(elapsed time.Duration, end time.Time) error {
	var first error
	for _, s := range o.files {
		if err := s.Close(elapsed, end); err != nil && first == nil {
			first = err
		}
	}
	// With --notify-on-change and no change, print nothing at all: cron
	// mails only non-empty output.
	if (o.notify && o.shown == 0) || o.omitStdout {
		return first
	}
	if err := o.stdout.Close(elapsed, end); err != nil && first == nil {
		first = err
	}
	return first
}

// sinkSpec is what the writers need to know before the first result.
type sinkSpec struct {
	suite string // JUnit testsuite name
	start time.Time
	// single: one probe from the command line. Text is its full report
	// (not the run table) and Nagios describes that one result.
	single bool
	text   results.TextOptions
	// lang is the language of the run table.
	lang catalog.Lang
	// names and targets size the run table's columns.
	names, targets []string
	// thresholds are a result's warning and critical times (ms, 0: none).
	thresholds func(results.Result) (warnMs, critMs float64)
}

// runSpec describes a scenario run for the writers.
func runSpec(f *scenarios.File, start time.Time, lang catalog.Lang) sinkSpec {
	names := f.Names()
	targets := make([]string, 0, len(f.Probes))
	limits := map[string][2]float64{}
	for _, p := range f.Probes {
		// The engine reports targets as URIs ("sip:host:port").
		t := p.Config.Target
		if !strings.HasPrefix(t, "sip:") && !strings.HasPrefix(t, "sips:") {
			t = "sip:" + t
		}
		targets = append(targets, t)
		limits[p.Name] = [2]float64{p.Expect.MaxMs, p.Expect.CritMs}
	}
	return sinkSpec{suite: f.Name, start: start, names: names, targets: targets, lang: lang,
		thresholds: func(r results.Result) (float64, float64) {
			l := limits[baseName(r.Name)]
			return l[0], l[1]
		}}
}

// newSink makes the writer of one format, to w or, when path is set, to
// that file (JUnit and Prometheus files are replaced atomically).
func newSink(format string, w io.Writer, path string, spec sinkSpec) (resultSink, error) {
	switch format {
	case "text":
		if spec.single {
			return &textSink{w: w, o: spec.text}, nil
		}
		return &tableSink{t: results.NewTable(w, results.TableOptions{Color: isTerminal(w), Names: spec.names, Targets: spec.targets, Lang: spec.lang})}, nil
	case "json":
		if path == "" {
			return newJSONSink(w, nil), nil
		}
		fh, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("--json: %w", err)
		}
		return newJSONSink(fh, fh), nil
	case "junit":
		j, err := results.NewJUnit(spec.suite, spec.start)
		if err != nil {
			return nil, err
		}
		return &junitSink{j: j, w: w, path: path}, nil
	case "nagios":
		o := results.NagiosOptions{Thresholds: spec.thresholds}
		if spec.single {
			return &nagiosOneSink{w: w, o: o}, nil
		}
		return &nagiosSink{n: results.NewNagios(w, o)}, nil
	case "prom":
		return &promSink{p: results.NewProm(), w: w, path: path}, nil
	}
	return nil, usagef("--output %q: want %s", format, resultFormatsUsage)
}

// baseName is the probe name of a fanned-out job name ("reg/udp" → "reg").
func baseName(job string) string {
	for i := len(job) - 1; i >= 0; i-- {
		if job[i] == '/' {
			return job[:i]
		}
	}
	return job
}

type tableSink struct{ t *results.Table }

func (s *tableSink) Add(r results.Result) error                     { return s.t.Add(r) }
func (s *tableSink) Close(elapsed time.Duration, _ time.Time) error { return s.t.Close(elapsed) }

// jsonSink writes JSON Lines, buffered (flushWriter) unless w is a
// terminal: there a line shows when its probe ends, and no timed flush
// writes into the progress line on stderr.
type jsonSink struct {
	w   io.Writer
	buf *flushWriter // nil: unbuffered
	f   *os.File
}

func newJSONSink(w io.Writer, f *os.File) *jsonSink {
	s := &jsonSink{w: w, f: f}
	if !writesToTerminal(w) {
		s.buf = newFlushWriter(w)
		s.w = s.buf
	}
	return s
}

func (s *jsonSink) Add(r results.Result) error { return results.WriteJSON(s.w, r) }
func (s *jsonSink) Close(time.Duration, time.Time) error {
	var err error
	if s.buf != nil {
		err = s.buf.Flush()
	}
	if s.f != nil {
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

type junitSink struct {
	j    *results.JUnit
	w    io.Writer
	path string
}

func (s *junitSink) Add(r results.Result) error { return s.j.Add(r) }
func (s *junitSink) Close(time.Duration, time.Time) error {
	if s.path == "" {
		return s.j.Finish(s.w)
	}
	return results.WriteFileAtomic(s.path, s.j.Finish)
}

type textSink struct {
	w io.Writer
	o results.TextOptions
}

func (s *textSink) Add(r results.Result) error           { return results.WriteText(s.w, r, s.o) }
func (s *textSink) Close(time.Duration, time.Time) error { return nil }

type nagiosOneSink struct {
	w io.Writer
	o results.NagiosOptions
}

func (s *nagiosOneSink) Add(r results.Result) error           { return results.WriteNagios(s.w, r, s.o) }
func (s *nagiosOneSink) Close(time.Duration, time.Time) error { return nil }

type nagiosSink struct{ n *results.Nagios }

func (s *nagiosSink) Add(r results.Result) error           { return s.n.Add(r) }
func (s *nagiosSink) Close(time.Duration, time.Time) error { return s.n.Close() }

type promSink struct {
	p    *results.Prom
	w    io.Writer
	path string
}

func (s *promSink) Add(r results.Result) error { return s.p.Add(r) }
func (s *promSink) Close(_ time.Duration, end time.Time) error {
	if s.path == "" {
		return s.p.Write(s.w, end)
	}
	return s.p.WriteFile(s.path, end)
}
