package agent

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sipprobe/sipprobe/results"
)

// metrics is the agent's one registry (/metrics): the latest result of
// every scheduled probe (the gauges `run -o prom` writes too), counters of
// the runs, the state of the configuration, and the Go and process
// collectors.
type metrics struct {
	reg    *prometheus.Registry
	probes *results.ProbeMetrics
	runs   *prometheus.CounterVec
	// onDemand counts /probe requests by outcome (ok, refused, busy, …).
	onDemand    *prometheus.CounterVec
	reloadOK    prometheus.Gauge
	reloadOKAt  prometheus.Gauge
	historyErrs prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg:    prometheus.NewRegistry(),
		probes: results.NewProbeMetrics(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sipprobe_probe_runs_total", Help: "Scheduled probes run, by status.",
		}, []string{"name", "kind", "status"}),
		onDemand: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sipprobe_probe_requests_total", Help: "/probe requests by outcome: run, refused (403), bad (400), busy (503).",
		}, []string{"outcome"}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sipprobe_config_last_reload_successful", Help: "1 if the last configuration (re)load worked, 0 if it was refused.",
		}),
		reloadOKAt: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sipprobe_config_last_reload_success_timestamp_seconds", Help: "When the configuration was last loaded, Unix seconds.",
		}),
		historyErrs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sipprobe_history_errors_total", Help: "Failures to read or write the results history.",
		}),
	}
	m.probes.MustRegister(m.reg)
	m.reg.MustRegister(m.runs, m.onDemand, m.reloadOK, m.reloadOKAt, m.historyErrs,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// record notes a scheduled probe's result.
func (m *metrics) record(r results.Result) {
	m.probes.Set(r)
	m.runs.WithLabelValues(r.Name, r.Probe, string(r.Status)).Inc()
}

// loaded notes a (re)load of the configuration.
func (m *metrics) loaded(ok bool, at time.Time) {
	if !ok {
		m.reloadOK.Set(0)
		return
	}
	m.reloadOK.Set(1)
	m.reloadOKAt.Set(float64(at.Unix()))
}

// forget drops the series of a probe no longer configured.
func (m *metrics) forget(name string) {
	m.probes.Delete(name)
	m.runs.DeletePartialMatch(prometheus.Labels{"name": name})
}

// onDemandRegistry is the fresh registry of one /probe answer: that
// probe's series only, as blackbox_exporter answers.
func onDemandRegistry(r results.Result) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	pm := results.NewProbeMetrics()
	pm.MustRegister(reg)
	pm.Set(r)
	return reg
}
