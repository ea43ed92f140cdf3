package media

import "math"

// frameOf returns the payload of the i-th 20 ms frame: a 1 kHz tone at
// -20 dBFS in G.711 (audible on an echo test), codec-specific silence
// otherwise.
func frameOf(f Format) func(i int) []byte {
	switch f.Encoding {
	case "PCMU", "PCMA":
		law := linearToULaw
		if f.Encoding == "PCMA" {
			law = linearToALaw
		}
		// 1 kHz at 8 kHz repeats every 8 samples, so one frame serves all.
		tone := make([]byte, 160)
		for n := range tone {
			tone[n] = law(int16(3277 * math.Sin(2*math.Pi*float64(n)/8)))
		}
		return func(int) []byte { return tone }
	case "opus":
		// A 20 ms SILK-only silence frame (RFC 6716 §3.1, config 1, code 0).
		return func(int) []byte { return []byte{0xf8, 0xff, 0xfe} }
	case "G729":
		return func(int) []byte { return make([]byte, 20) }
	}
	silence := make([]byte, 160) // G.722: 64 kbit/s for 20 ms
	return func(int) []byte { return silence }
}

// linearToULaw is the G.711 μ-law encoder (ITU-T G.711, Sun's reference).
func linearToULaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	if x > clip {
		x = clip
	}
	x += bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (x >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mant)
}

// linearToALaw is the G.711 A-law encoder.
func linearToALaw(s int16) byte {
	x := int(s) >> 3 // 13-bit
	mask := 0xd5
	if x < 0 {
		mask = 0x55
		x = -x - 1
	}
	seg := 0
	for end := 0x1f; seg < 8 && x > end; end = end<<1 | 1 {
		seg++
	}
	if seg >= 8 {
		return byte(0x7f ^ mask)
	}
	v := seg << 4
	if seg < 2 {
		v |= (x >> 1) & 0x0f
	} else {
		v |= (x >> seg) & 0x0f
	}
	return byte(v ^ mask)
}
