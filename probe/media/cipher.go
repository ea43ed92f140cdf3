package media

// Cipher protects the call's RTP and RTCP, as SRTP does (RFC 3711). A
// Session without one sends and reads plain RTP. Each method appends its
// output to dst (which may be nil) and returns it; a packet that does not
// decrypt or authenticate is an error and is not counted.
type Cipher interface {
	EncryptRTP(dst, packet []byte) ([]byte, error)
	DecryptRTP(dst, packet []byte) ([]byte, error)
	EncryptRTCP(dst, packet []byte) ([]byte, error)
	DecryptRTCP(dst, packet []byte) ([]byte, error)
}
