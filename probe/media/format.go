package media

import "time"

// Frame is the packetisation interval we offer (a=ptime:20).
const Frame = 20 * time.Millisecond

// Format is the payload format the far end's answer chose for our stream:
// its payload type there, the rtpmap encoding name and clock rate.
type Format struct {
	PT       uint8
	Encoding string // rtpmap encoding name as offered: PCMU, PCMA, G722, G729, opus
	Clock    uint32
}

// samplesPerFrame is the RTP timestamp step of one Frame (RFC 3550 §5.1).
func (f Format) samplesPerFrame() uint32 { return f.Clock / uint32(time.Second/Frame) }
