package results

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Prom collects results as Prometheus metrics for node_exporter's textfile
// collector. Metrics live in a private registry and are written with the
// client library's own encoder. Repeats of one probe share a label set: the
// last one wins, as a scrape would see it.
type Prom struct {
	reg    *prometheus.Registry
	probes *ProbeMetrics
	last   prometheus.Gauge
}

// NewProm returns an empty collection.
func NewProm() *Prom {
	p := &Prom{
		reg:    prometheus.NewRegistry(),
		probes: NewProbeMetrics(),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sipprobe_last_run_timestamp_seconds", Help: "When the run that wrote this file ended.",
		}),
	}
	p.reg.MustRegister(p.last)
	p.probes.MustRegister(p.reg)
	return p
}

// Add records one result.
func (p *Prom) Add(r Result) error {
	p.probes.Set(r)
	return nil
}

// Write encodes the metrics in the text exposition format, stamping the
// end of the run.
func (p *Prom) Write(w io.Writer, end time.Time) error {
	p.last.Set(float64(end.Unix()))
	return writeRegistry(w, p.reg)
}

// WriteSweep is Write with the series of a run's accounts entries
// (SweepSummary) next to the series of its ordinary probes.
func (p *Prom) WriteSweep(w io.Writer, s *SweepSummary, end time.Time) error {
	p.last.Set(float64(end.Unix()))
	return writeRegistry(w, prometheus.Gatherers{p.reg, s.registry()})
}

// writeRegistry encodes what reg gathers in the text exposition format.
func writeRegistry(w io.Writer, reg prometheus.Gatherer) error {
	mfs, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("prom: %w", err)
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("prom: %w", err)
		}
	}
	return nil
}

// WriteFile writes the metrics to path atomically: a temporary file in the
// same directory, then a rename, so node_exporter never reads half a file.
func (p *Prom) WriteFile(path string, end time.Time) (err error) {
	return WriteFileAtomic(path, func(w io.Writer) error { return p.Write(w, end) })
}

// WriteFileAtomic writes path through write, replacing it only when every
// byte is on disk.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	// Readable by the node_exporter user, like a file written with 0644.
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return errors.Join(err, os.Remove(f.Name()))
	}
	return nil
}
