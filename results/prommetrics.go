package results

import (
	"github.com/prometheus/client_golang/prometheus"
)

// ProbeMetrics are the per-probe series of the latest result of each probe,
// under the names the Prometheus examples and alert rules use. `run -o prom`
// and the agent (`sipprobe serve`: /metrics and /probe) share them, so the
// three expose the same series for the same result.
//
// Labels are the probe's name, kind, transport and target (the URI as the
// result reports it): stable per configured probe, so the cardinality is
// the number of probes, never of Call-IDs or reason phrases.
type ProbeMetrics struct {
	success  *prometheus.GaugeVec
	duration *prometheus.GaugeVec
	setup    *prometheus.GaugeVec
	code     *prometheus.GaugeVec
	status   *prometheus.GaugeVec
	diag     *prometheus.GaugeVec
	// certExpiry, contacts and setup exist only for results that have the value.
	certExpiry *prometheus.GaugeVec
	contacts   *prometheus.GaugeVec
	media      mediaGauges
}

// ProbeLabelNames are the labels of every per-probe series.
func ProbeLabelNames() []string { return []string{"name", "kind", "target", "transport"} }

// NewProbeMetrics returns the per-probe gauges, not yet registered.
func NewProbeMetrics() *ProbeMetrics {
	gauge := func(name, help string, extra ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, append(ProbeLabelNames(), extra...))
	}
	return &ProbeMetrics{
		media:      newMediaGauges(gauge),
		success:    gauge("sipprobe_probe_success", "1 if the probe met its expectation (status ok or warning), 0 otherwise."),
		duration:   gauge("sipprobe_probe_duration_seconds", "How long the probe took."),
		setup:      gauge("sipprobe_probe_setup_seconds", "Call setup time of an INVITE probe: from the INVITE to its final response."),
		code:       gauge("sipprobe_probe_final_code", "Final SIP status code, 0 when none came."),
		status:     gauge("sipprobe_probe_status", "The probe's status as its exit code: 0 ok, 1 warning, 2 critical, 3 unknown."),
		diag:       gauge("sipprobe_probe_diagnosis_info", "The probe's diagnosis id and its severity (always 1; one series per probe).", "id", "severity"),
		certExpiry: gauge("sipprobe_tls_cert_expiry_timestamp_seconds", "Earliest expiry over the TLS server certificate chain, Unix seconds."),
		contacts:   gauge("sipprobe_register_contacts", "Contacts the registrar listed for the account."),
	}
}

// MustRegister registers every gauge with reg.
func (m *ProbeMetrics) MustRegister(reg prometheus.Registerer) {
	reg.MustRegister(m.success, m.duration, m.setup, m.code, m.status, m.diag, m.certExpiry, m.contacts)
	for _, v := range m.media.vecs() {
		reg.MustRegister(v)
	}
}

// LabelsOf are the per-probe labels of r.
func LabelsOf(r Result) prometheus.Labels {
	return prometheus.Labels{"name": r.Name, "kind": r.Probe, "target": r.Target, "transport": r.Transport}
}

// Set records r as the latest result of its probe, replacing what an
// earlier result of the same probe set (its diagnosis series included).
func (m *ProbeMetrics) Set(r Result) {
	// Drop every series of this probe first: a later result may carry
	// another target or transport label (a skipped probe's made-up result,
	// a changed server after a reload), and a stale success=0 would keep an
	// alert firing for ever.
	for _, v := range append([]*prometheus.GaugeVec{m.success, m.duration, m.setup, m.code, m.status, m.diag, m.certExpiry, m.contacts}, m.media.vecs()...) {
		v.DeletePartialMatch(prometheus.Labels{"name": r.Name})
	}
	l := LabelsOf(r)
	ok := 0.0
	if r.Status == StatusOK || r.Status == StatusWarning {
		ok = 1
	}
	m.success.With(l).Set(ok)
	if r.NotSent == nil {
		// A probe not sent took no time: a 0 would pull every graph down.
		m.duration.With(l).Set(r.Timings.Total.Duration().Seconds())
	}
	m.code.With(l).Set(float64(r.FinalCode))
	m.status.With(l).Set(float64(r.Status.ExitCode()))
	sev := string(r.Diagnosis.Severity)
	if sev == "" {
		// Every catalogue diagnosis has one; a result made up without the
		// catalogue still gets the severity its status stands for.
		sev = string(r.Status)
	}
	dl := prometheus.Labels{"id": r.Diagnosis.ID, "severity": sev}
	for k, v := range l {
		dl[k] = v
	}
	m.diag.With(dl).Set(1)
	m.setDetails(l, r)
}

// setDetails sets the metrics only some results have (Set dropped those of
// an earlier result).
func (m *ProbeMetrics) setDetails(l prometheus.Labels, r Result) {
	if r.Details == nil {
		return
	}
	if at, ok := r.Details.TLS.EarliestExpiry(); ok {
		m.certExpiry.With(l).Set(float64(at.Unix()))
	}
	if n := r.Details.ContactCount; n != nil && r.Probe == "register" {
		m.contacts.With(l).Set(float64(*n))
	}
	if inv := r.Details.Invite; inv != nil && inv.SetupMs > 0 {
		m.setup.With(l).Set(inv.SetupMs.Duration().Seconds())
	}
	m.media.set(l, r)
}

// Delete drops every series of the probe called name (a probe removed
// from the configuration must not report its last result forever).
func (m *ProbeMetrics) Delete(name string) {
	l := prometheus.Labels{"name": name}
	for _, g := range append([]*prometheus.GaugeVec{m.success, m.duration, m.setup, m.code, m.status, m.diag, m.certExpiry, m.contacts}, m.media.vecs()...) {
		g.DeletePartialMatch(l)
	}
}
