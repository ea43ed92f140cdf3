package results

// Details holds probe-specific findings. One struct for every kind keeps the
// JSON "details" object flat and typed; fields a probe does not fill are omitted.
type Details struct {
	// NAT is what the server saw of our address (Via received/rport).
	NAT *NATInfo `json:"nat,omitempty"`
	// AltTransport records the fallback check made after silence (DESIGN.md §4).
	AltTransport *AltTransportCheck `json:"alt_transport,omitempty"`
	// Resolution lists the DNS lookups tried and what they gave.
	Resolution []Lookup `json:"resolution,omitempty"`
	// TLS describes the handshake, or why it failed.
	TLS *TLSInfo `json:"tls,omitempty"`
	// ServerAgent is the Server or User-Agent header of the answering side.
	ServerAgent string `json:"server_agent,omitempty"`
	// Allow lists the methods an OPTIONS answer advertised.
	Allow []string `json:"allow,omitempty"`

	// Register.
	Mode            string    `json:"mode,omitempty"` // "check" (no Contact) or "bind"
	Contacts        []Contact `json:"contacts,omitempty"`
	ContactCount    *int      `json:"contact_count,omitempty"`
	BoundContact    string    `json:"bound_contact,omitempty"`
	BindingVerified *bool     `json:"binding_verified,omitempty"`
	Unbound         *bool     `json:"unbound,omitempty"`
	Expires         int       `json:"expires,omitempty"`
	AuthAlgorithm   string    `json:"auth_algorithm,omitempty"`
	AuthRealm       string    `json:"auth_realm,omitempty"`
	AuthAttempts    int       `json:"auth_attempts,omitempty"`
	// BindSkipped: --bind registered nothing because the account had
	// contacts and --allow-evict was not given (Contacts lists them).
	BindSkipped bool `json:"bind_skipped,omitempty"`
	// Evicted lists the contacts our --allow-evict binding made the
	// registrar drop, and what became of each.
	Evicted []EvictedContact `json:"evicted,omitempty"`

	// Invite is filled by the invite probe.
	Invite *InviteDetails `json:"invite,omitempty"`
	// Receive is filled by the receive probe.
	Receive *ReceiveDetails `json:"receive,omitempty"`
	// Media is the test call's audio quality (invite --rtp).
	Media *MediaDetails `json:"media,omitempty"`
	// DTMF is what invite --dtmf sent and got back (results/dtmf.go).
	DTMF *DTMFDetails `json:"dtmf,omitempty"`
	// SRTP is the test call's media encryption (--srtp sdes|optional).
	SRTP *SRTPInfo `json:"srtp,omitempty"`
}

// SRTPInfo says what encryption a test call offered and got (issue 12).
type SRTPInfo struct {
	Offered   string `json:"offered"`         // sdes or optional
	Suite     string `json:"suite,omitempty"` // the answer's crypto suite, e.g. AES_CM_128_HMAC_SHA1_80
	Encrypted bool   `json:"encrypted"`       // the media ran over SRTP
}

// NATInfo compares the address we sent from with what the server saw.
type NATInfo struct {
	SentBy   string `json:"sent_by"`
	Received string `json:"received,omitempty"`
	RPort    int    `json:"rport,omitempty"`
	Detected bool   `json:"detected"`
}

// AltTransportCheck is the result of trying another transport to the same
// server after the first one stayed silent.
type AltTransportCheck struct {
	Transport string `json:"transport"`
	Answered  bool   `json:"answered"`
	Silent    bool   `json:"silent,omitempty"` // no answer at all, not even a refusal
	// Unreachable: no route to the host over this transport either.
	Unreachable bool   `json:"unreachable,omitempty"`
	Code        int    `json:"code,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Error       string `json:"error,omitempty"`
	Ms          Millis `json:"ms,omitempty"`
}

// Lookup is one DNS query made while resolving the target (RFC 3263).
type Lookup struct {
	Query  string   `json:"query"`
	Type   string   `json:"type"`
	Answer []string `json:"answer,omitempty"`
	Error  string   `json:"error,omitempty"`
	// Server is the DNS server asked (IP:port) when --dns-server chose it;
	// empty for the system resolver and for names never sent to DNS.
	Server string `json:"server,omitempty"`
}

// TLSInfo describes the TLS session or its failure.
type TLSInfo struct {
	Version     string `json:"version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`
	ServerName  string `json:"server_name,omitempty"`
	PeerSubject string `json:"peer_subject,omitempty"`
	PeerIssuer  string `json:"peer_issuer,omitempty"`
	NotAfter    string `json:"not_after,omitempty"`
	Failure     string `json:"failure,omitempty"` // unknown-authority, expired, name-mismatch, handshake, plain-sip
	Error       string `json:"error,omitempty"`

	// SANs are the leaf's subjectAltName DNS names and IP addresses.
	SANs []string `json:"sans,omitempty"`
	// EarliestNotAfter is the earliest expiry over the presented chain
	// (blackbox_exporter's probe_ssl_earliest_cert_expiry), RFC 3339.
	EarliestNotAfter string `json:"earliest_not_after,omitempty"`
	// DaysLeft is the time until EarliestNotAfter in days, one decimal;
	// negative once expired.
	DaysLeft *float64 `json:"days_left,omitempty"`
	// Verified: the chain verifies against the system roots or --ca-file
	// for the server name (checked by the probe itself under --insecure).
	Verified *bool `json:"verified,omitempty"`
	// VerifyError says why Verified is false when the handshake went on
	// anyway (--insecure).
	VerifyError string `json:"verify_error,omitempty"`
}

// Contact is one binding the registrar reported for the account.
type Contact struct {
	URI     string `json:"uri"`
	Expires int    `json:"expires,omitempty"`
	Ours    bool   `json:"ours,omitempty"`
}

// EvictedContact is a phone's binding the registrar dropped for ours, and
// whether sipprobe could put it back as it was.
type EvictedContact struct {
	URI string `json:"uri"`
	// Expires is what the binding had left when re-registered, in seconds.
	Expires  int  `json:"expires"`
	Restored bool `json:"restored"`
	// RewrittenAs is the URI the registrar stored instead of URI (it
	// rewrites contacts to the request's source); RewriteRemoved says
	// whether that wrong binding was removed again.
	RewrittenAs    string `json:"rewritten_as,omitempty"`
	RewriteRemoved *bool  `json:"rewrite_removed,omitempty"`
	// Error says why re-registering failed (no answer, a refusal).
	Error string `json:"error,omitempty"`
}

// InviteDetails is what a test call learned (issue 4 fills this in).
type InviteDetails struct {
	To                 string   `json:"to,omitempty"`
	OfferedCodecs      []string `json:"offered_codecs,omitempty"`
	AnsweredCodecs     []string `json:"answered_codecs,omitempty"`
	NegotiatedCodec    string   `json:"negotiated_codec,omitempty"`
	AnswerAddr         string   `json:"answer_addr,omitempty"`
	AnswerPort         int      `json:"answer_port,omitempty"`
	EarlyMedia         bool     `json:"early_media,omitempty"`
	FirstProvisionalMs Millis   `json:"first_provisional_ms,omitempty"`
	RingingMs          Millis   `json:"ringing_ms,omitempty"`
	AnswerMs           Millis   `json:"answer_ms,omitempty"`
	// SetupMs is the call setup time: from the INVITE that got the final
	// response to that response (the time a test call's verdict is about;
	// the hold and the total have their own fields). After a 401/407 that
	// INVITE is the authenticated one: the challenge round trip does not
	// count. 0 when there was no final response, when the final was the
	// 487 to our CANCEL (no answer, interrupted) and in a codec sweep.
	SetupMs        Millis   `json:"setup_ms,omitempty"`
	ACKConfirmed   *bool    `json:"ack_confirmed,omitempty"`
	EndedBy        string   `json:"ended_by,omitempty"`
	RTPSent        int      `json:"rtp_sent,omitempty"`
	RTPReceived    int      `json:"rtp_received,omitempty"`
	AcceptedCodecs []string `json:"accepted_codecs,omitempty"` // --codec-sweep
	RejectedCodecs []string `json:"rejected_codecs,omitempty"`

	// AnswerDirection is the answer's sendrecv/sendonly/recvonly/inactive.
	AnswerDirection string `json:"answer_direction,omitempty"`
	// PrivateMediaAddr: the answer's media address is private (RFC 1918/6598)
	// while the server's is not.
	PrivateMediaAddr bool `json:"private_media_addr,omitempty"`
	// HeldMs is how long the answered call was up before it ended.
	HeldMs Millis `json:"held_ms,omitempty"`
	// OKRetransmissions counts the 2xx copies received after our ACK.
	OKRetransmissions int `json:"ok_retransmissions,omitempty"`
	// ByeCode is the final status of our BYE (0: none came).
	ByeCode int `json:"bye_code,omitempty"`
	// InDialogRequests lists the far end's requests during the call.
	InDialogRequests []string `json:"in_dialog_requests,omitempty"`
	// Sweep is one entry per codec offered alone (--codec-sweep).
	Sweep []CodecAttempt `json:"sweep,omitempty"`
}

// CodecAttempt is one call of a codec sweep.
type CodecAttempt struct {
	Codec    string `json:"codec"`
	Accepted bool   `json:"accepted"`
	Code     int    `json:"code,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Detail   string `json:"detail,omitempty"`
}
