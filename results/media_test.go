package results

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/sipprobe/sipprobe/catalog"
)

func mediaResult() Result {
	lost, ratio, jitter, rtt := int64(7), 0.05, Millis(4.5), Millis(12)
	return Result{Name: "echo", Probe: "invite", Target: "pbx", Transport: "udp", Status: StatusOK,
		Diagnosis: catalog.Diagnosis{ID: "ok"},
		Details: &Details{Media: &MediaDetails{Codec: "PCMU",
			Received: &MediaReceived{Expected: 140, Received: 133, Lost: 7, LossRatio: 0.05, JitterMs: 11.6},
			Sent:     MediaSent{Packets: 150, CumulativeLost: &lost, LossRatio: &ratio, JitterMs: &jitter},
			RTTMs:    &rtt, MOS: 3.87, RFactor: 76.2,
			EModel: &EModel{Bpl: 25.1, BurstR: 1, LossPercent: 5, DelayMs: 52, RTTMeasured: true}}}}
}

// value reads one gauge.
func value(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

func TestMediaOutputs(t *testing.T) {
	r := mediaResult()
	t.Run("text", func(t *testing.T) {
		for _, lang := range []catalog.Lang{catalog.EN, catalog.RU} {
			var b strings.Builder
			writeMedia(&b, r.Details.Media, lang)
			if !strings.Contains(b.String(), "133") || !strings.Contains(b.String(), "3.87") || !strings.Contains(b.String(), "G.107") {
				t.Errorf("%s: %s", lang, b.String())
			}
		}
		r2 := mediaResult()
		r2.Details.Media.Sent = MediaSent{Packets: 150, NoReport: "no-rtcp"}
		var b strings.Builder
		writeMedia(&b, r2.Details.Media, catalog.EN)
		if !strings.Contains(b.String(), "no RTCP from the far end") {
			t.Errorf("no reason: %s", b.String())
		}
		// Packets from a stranger are said, never silently dropped; none,
		// no line.
		if strings.Contains(b.String(), "strict RTP") {
			t.Errorf("a stray line without stray packets: %s", b.String())
		}
		r2.Details.Media.StrayPackets = 42
		for _, lang := range []catalog.Lang{catalog.EN, catalog.RU} {
			b.Reset()
			writeMedia(&b, r2.Details.Media, lang)
			if !strings.Contains(b.String(), "42 ") || !strings.Contains(b.String(), "RTP") {
				t.Errorf("%s: stray packets not shown: %s", lang, b.String())
			}
		}
	})
	t.Run("nagios", func(t *testing.T) {
		var b strings.Builder
		if err := WriteNagios(&b, r, NagiosOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"'mos'=3.87", "'loss_received'=5.00%", "'jitter_received'=0.0116s", "'loss_sent'=5.00%", "'jitter_sent'=0.0045s"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("no %s in %s", want, b.String())
			}
		}
	})
	t.Run("prometheus", func(t *testing.T) {
		m := NewProbeMetrics()
		reg := prometheus.NewRegistry()
		m.MustRegister(reg)
		m.Set(r)
		l := LabelsOf(r)
		if got := value(t, m.media.mos.With(l)); got != 3.87 {
			t.Errorf("mos %v", got)
		}
		l["direction"] = "sent"
		if got := value(t, m.media.jitter.With(l)); got != 0.0045 {
			t.Errorf("sent jitter %v", got)
		}
		m.Delete("echo")
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range families {
			if strings.HasPrefix(f.GetName(), "sipprobe_media_") && len(f.GetMetric()) > 0 {
				t.Errorf("%s left after Delete", f.GetName())
			}
		}
	})
}
