package probe

import (
	"fmt"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe/media"
	"github.com/sipprobe/sipprobe/results"
)

// judgeAudio judges the audio of a call that sent RTP (nil when it sent
// none): judgeMedia's findings, and no-rtp-back when nothing came back
// and no RTCP tells which way fails. The last frames (an echo's, a
// caller's) get two frame times to arrive first.
func (c *call) judgeAudio(ex *catalog.Exchange) *results.MediaDetails {
	if c.media.Sent() == 0 {
		return nil
	}
	time.Sleep(2 * media.Frame)
	d := c.judgeMedia(ex)
	ex.NoRTPBack = c.media.Received() == 0 && c.media.Sent() >= minRTPForVerdict && ex.OneWayAudio == ""
	return d
}

// judgeMedia turns the call's media report into details.media and the
// exchange's audio findings (issue 12): one-way audio naming the failing
// direction, and poor-audio-quality when the E-model MOS is below the
// threshold.
func (c *call) judgeMedia(ex *catalog.Exchange) *results.MediaDetails {
	rep := c.media.Report()
	d := mediaDetails(rep)
	d.OneWay = c.media.OneWay(minRTPForVerdict)
	ex.OneWayAudio = d.OneWay
	minMOS := c.s.cfg.Invite.MinMOS
	if minMOS == 0 {
		minMOS = DefaultMinMOS
	}
	if rep.Estimate != nil && d.OneWay == "" && rep.Estimate.MOS < minMOS {
		ex.PoorAudio = true
		ex.AudioMOS = fmt.Sprintf("%.2f", rep.Estimate.MOS)
		ex.AudioLoss = fmt.Sprintf("%.1f%%", rep.Estimate.Inputs.LossPercent)
		var jitter float64
		if d.Received != nil {
			jitter = float64(d.Received.JitterMs)
		}
		if d.Sent.JitterMs != nil {
			jitter = max(jitter, float64(*d.Sent.JitterMs))
		}
		ex.AudioJitter = fmt.Sprintf("%.1f ms", jitter)
	}
	return d
}

// mediaDetails is the report as the result carries it.
func mediaDetails(rep media.Report) *results.MediaDetails {
	d := &results.MediaDetails{Codec: rep.Codec, RTCPSent: rep.RTCPSent, RTCPReceived: rep.RTCPRecv,
		Sent: results.MediaSent{Packets: rep.Sent}, StrayPackets: rep.Stray}
	if r := rep.Received; r != nil {
		d.Received = &results.MediaReceived{Expected: r.Expected, Received: r.Received, Lost: r.Lost,
			LossRatio: r.LossRatio, Duplicates: r.Duplicates, Reordered: r.Reordered, JitterMs: results.MillisOf(r.Jitter), HighestSeq: r.ExtHighest}
	} else {
		d.ReceivedNone = true
	}
	if f := rep.Far; f != nil {
		jitter := results.MillisOf(f.Jitter)
		d.Sent.Expected, d.Sent.FractionLost, d.Sent.CumulativeLost = &f.Expected, &f.FractionLost, &f.CumulativeLost
		d.Sent.LossRatio, d.Sent.JitterMs, d.Sent.HighestSeq = &f.LossRatio, &jitter, &f.ExtHighest
	} else {
		d.Sent.NoReport = rep.FarMissing
	}
	if rep.HaveRTT {
		rtt := results.MillisOf(rep.RTT)
		d.RTTMs = &rtt
	}
	if e := rep.Estimate; e != nil {
		d.MOS, d.RFactor = round2(e.MOS), round2(e.R)
		in := e.Inputs
		d.EModel = &results.EModel{Ie: in.Ie, Bpl: in.Bpl, BurstR: in.BurstR, LossPercent: round2(in.LossPercent),
			DelayMs: results.MillisOf(in.Delay), JitterBufferMs: results.MillisOf(in.JitterBuffer),
			RTTMeasured: in.HaveRTT, Source: in.Source}
	}
	return d
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
