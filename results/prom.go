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
	reg      *prometheus.Registry
	success  *prometheus.GaugeVec
	duration *prometheus.GaugeVec
	code     *prometheus.GaugeVec
	diag     *prometheus.GaugeVec
	last     prometheus.Gauge
	// certExpiry and contacts exist only for results that have the value.
	certExpiry *prometheus.GaugeVec
	contacts   *prometheus.GaugeVec
}

var probeLabels = []string{"name", "kind", "target", "transport"}

// NewProm returns an empty collection.
func NewProm() *Prom {
	p := &Prom{
		reg: prometheus.NewRegistry(),
		success: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sipprobe_probe_success", Help: "1 if the probe met its expectation (status ok or warning), 0 otherwise.",
		}, probeLabels),
		duration: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sipprobe_probe_duration_seconds", Help: "How long the probe took.",
		}, probeLabels),
		code: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sipprobe_final_code", Help: "Final SIP status code, 0 when none came.",
		}, probeLabels),
		diag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sipprobe_diagnosis_info", Help: "The probe's diagnosis id and status (always 1).",
		}, append(append([]string{}, probeLabels...), "id", "status")),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sipprobe_last_run_timestamp_seconds", Help: "When the run that wrote this file ended.",
		}),
	}
	p.certExpiry = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sipprobe_tls_cert_expiry_timestamp_seconds", Help: "Earliest expiry over the TLS server certificate chain, Unix seconds.",
	}, probeLabels)
	p.contacts = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sipprobe_register_contacts", Help: "Contacts the registrar listed for the account.",
	}, probeLabels)
	p.reg.MustRegister(p.success, p.duration, p.code, p.diag, p.last, p.certExpiry, p.contacts)
	return p
}

// Add records one result.
func (p *Prom) Add(r Result) error {
	l := prometheus.Labels{"name": r.Name, "kind": r.Probe, "target": r.Target, "transport": r.Transport}
	ok := 0.0
	if r.Status == StatusOK || r.Status == StatusWarning {
		ok = 1
	}
	p.success.With(l).Set(ok)
	p.duration.With(l).Set(r.Timings.Total.Duration().Seconds())
	p.code.With(l).Set(float64(r.FinalCode))
	// One diagnosis series per probe: drop the one of an earlier repeat.
	p.diag.DeletePartialMatch(l)
	dl := prometheus.Labels{"id": r.Diagnosis.ID, "status": string(r.Status)}
	for k, v := range l {
		dl[k] = v
	}
	p.diag.With(dl).Set(1)
	p.addDetails(l, r)
	return nil
}

// addDetails sets the metrics only some results have, and drops those of
// an earlier repeat that this one lacks.
func (p *Prom) addDetails(l prometheus.Labels, r Result) {
	p.certExpiry.Delete(l)
	p.contacts.Delete(l)
	if r.Details == nil {
		return
	}
	if at, ok := r.Details.TLS.EarliestExpiry(); ok {
		p.certExpiry.With(l).Set(float64(at.Unix()))
	}
	if n := r.Details.ContactCount; n != nil && r.Probe == "register" {
		p.contacts.With(l).Set(float64(*n))
	}
}

// Write encodes the metrics in the text exposition format, stamping the
// end of the run.
func (p *Prom) Write(w io.Writer, end time.Time) error {
	p.last.Set(float64(end.Unix()))
	mfs, err := p.reg.Gather()
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
