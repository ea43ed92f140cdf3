package results

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// mediaGauges are the audio-quality series of an invite --rtp probe
// (issue 12). The MOS is an E-model estimate (ITU-T G.107).
type mediaGauges struct {
	mos, loss, jitter, rtt *prometheus.GaugeVec
}

func newMediaGauges(gauge func(name, help string, extra ...string) *prometheus.GaugeVec) mediaGauges {
	return mediaGauges{
		mos:    gauge("sipprobe_media_mos", "Estimated MOS of the test call's audio (ITU-T G.107 E-model from loss, jitter, RTT and codec; the worse direction)."),
		loss:   gauge("sipprobe_media_loss_ratio", "Packet loss of the test call's RTP, 0 to 1: received (measured by us) or sent (reported by the far end's RTCP).", "direction"),
		jitter: gauge("sipprobe_media_jitter_seconds", "Interarrival jitter (RFC 3550) of the test call's RTP: received (measured by us) or sent (reported by the far end's RTCP).", "direction"),
		rtt:    gauge("sipprobe_media_rtt_seconds", "Round-trip time from the far end's RTCP reports (RFC 3550 LSR/DLSR)."),
	}
}

func (g mediaGauges) vecs() []*prometheus.GaugeVec {
	return []*prometheus.GaugeVec{g.mos, g.loss, g.jitter, g.rtt}
}

// set records the media figures r has.
func (g mediaGauges) set(l prometheus.Labels, r Result) {
	if r.Details == nil || r.Details.Media == nil {
		return
	}
	m := r.Details.Media
	dir := func(d string) prometheus.Labels {
		out := prometheus.Labels{"direction": d}
		for k, v := range l {
			out[k] = v
		}
		return out
	}
	if m.EModel != nil {
		g.mos.With(l).Set(m.MOS)
	}
	if in := m.Received; in != nil {
		g.loss.With(dir("received")).Set(in.LossRatio)
		g.jitter.With(dir("received")).Set(in.JitterMs.Duration().Seconds())
	}
	if s := m.Sent; s.LossRatio != nil && s.JitterMs != nil {
		g.loss.With(dir("sent")).Set(*s.LossRatio)
		g.jitter.With(dir("sent")).Set(s.JitterMs.Duration().Seconds())
	}
	if m.RTTMs != nil {
		g.rtt.With(l).Set(m.RTTMs.Duration().Seconds())
	}
}

// mediaPerf is the Nagios perfdata of an invite --rtp: the MOS estimate
// and, per direction, loss (in %) and jitter (in s).
func mediaPerf(r Result) []string {
	if r.Details == nil || r.Details.Media == nil {
		return nil
	}
	m := r.Details.Media
	var perf []string
	if m.EModel != nil {
		perf = append(perf, perfItem("mos", strconv.FormatFloat(m.MOS, 'f', 2, 64), "", ""))
	}
	pct := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 2, 64) + "%" }
	if in := m.Received; in != nil {
		perf = append(perf, perfItem("loss_received", pct(in.LossRatio), "", ""), perfItem("jitter_received", perfSeconds(in.JitterMs)+"s", "", ""))
	}
	if s := m.Sent; s.LossRatio != nil && s.JitterMs != nil {
		perf = append(perf, perfItem("loss_sent", pct(*s.LossRatio), "", ""), perfItem("jitter_sent", perfSeconds(*s.JitterMs)+"s", "", ""))
	}
	return perf
}
