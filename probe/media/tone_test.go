package media

import "testing"

func TestG711Encoders(t *testing.T) {
	// Reference points of ITU-T G.711: silence and full scale.
	if linearToULaw(0) != 0xff || linearToALaw(0) != 0xd5 {
		t.Errorf("silence: μ %#x A %#x", linearToULaw(0), linearToALaw(0))
	}
	if linearToULaw(32767) != 0x80 || linearToULaw(-32768) != 0x00 {
		t.Errorf("μ-law full scale: %#x %#x", linearToULaw(32767), linearToULaw(-32768))
	}
	if linearToALaw(32767) != 0xaa || linearToALaw(-32768) != 0x2a {
		t.Errorf("A-law full scale: %#x %#x", linearToALaw(32767), linearToALaw(-32768))
	}
}
