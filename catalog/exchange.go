package catalog

// Outcome is how an exchange ended at the transport level. Only
// OutcomeResponse carries a final SIP response; the others are the faults
// that have no status code.
type Outcome string

const (
	OutcomeResponse        Outcome = "response"         // a final response arrived
	OutcomeTimeout         Outcome = "timeout"          // silence until the deadline
	OutcomePortUnreachable Outcome = "port-unreachable" // ICMP port unreachable (UDP)
	OutcomeRefused         Outcome = "refused"          // TCP/TLS connection refused
	OutcomeHostUnreachable Outcome = "host-unreachable" // no route, ICMP host/network unreachable or prohibited (see Exchange.Unreachable)
	OutcomeConnectTimeout  Outcome = "connect-timeout"  // TCP/TLS connect never completed
	OutcomeClosed          Outcome = "closed"           // the server closed or reset the connection mid-transaction
	OutcomeTLS             Outcome = "tls"              // the TLS handshake failed (see Exchange.TLSFailure)
	OutcomeDNS             Outcome = "dns"              // the target name did not resolve (see Exchange.DNSFailure)
	OutcomeMalformed       Outcome = "malformed"        // bytes came back, but no usable SIP response
	OutcomeTooLarge        Outcome = "too-large"        // the request does not fit a UDP datagram
	OutcomeCanceled        Outcome = "canceled"         // the user interrupted the probe
	OutcomeInternal        Outcome = "internal"         // sipprobe itself failed
	OutcomeWebSocket       Outcome = "websocket"        // the HTTP upgrade to a SIP WebSocket was refused (see Exchange.WSFailure)
)

// TLS failure kinds, for Exchange.TLSFailure.
const (
	TLSUnknownAuthority = "unknown-authority"
	TLSExpired          = "expired"
	TLSNameMismatch     = "name-mismatch"
	TLSProtocol         = "protocol"
	TLSHandshake        = "handshake"
	TLSClientCert       = "client-cert"
)

// DNS failure kinds, for Exchange.DNSFailure.
const (
	DNSNotFound = "nxdomain"  // the name does not exist
	DNSNoAnswer = "no-answer" // the name exists but has no usable records
	DNSServer   = "server"    // the resolver failed or timed out
)

// Unreachable kinds, for Exchange.Unreachable: who said the server cannot
// be reached, which decides where the admin has to look.
const (
	UnreachHost       = "host"       // ICMP host unreachable: no ARP/ND answer behind the last router
	UnreachNet        = "net"        // ICMP network unreachable: a router has no route
	UnreachLocal      = "no-route"   // this machine has no route; nothing was sent
	UnreachProhibited = "prohibited" // ICMP administratively prohibited: a firewall's REJECT
)

// InboundNAT is the kind of inbound-not-delivered whose contact sits
// behind a NAT the registrar did not fix.
const InboundNAT = "nat"

// One-way audio directions (Exchange.OneWayAudio), the kinds of
// one-way-audio: the far end's RTP does not reach us, or ours not it.
const (
	OneWayInbound  = "inbound"
	OneWayOutbound = "outbound"
)

// Reply is the part of a SIP response the rules look at.
type Reply struct {
	Code   int
	Reason string
	// Selected headers, raw values ("" when absent).
	RetryAfter string
	MinExpires string
	Warning    string
	ReasonHdr  string // Reason: Q.850;cause=N;text="..."
	Server     string
}

// AltTransport is the result of asking the same server over another
// transport after the first stayed silent.
type AltTransport struct {
	Transport string
	Answered  bool
	Code      int
	// Silent: the other transport got no answer at all either (timeout),
	// as opposed to a refused connection.
	Silent bool
	// Unreachable: the other transport found no route to the host either.
	Unreachable bool
}

// Exchange is the whole story of one probe, as the diagnosis rules need it.
// Probes fill what they know; zero values mean "did not happen".
type Exchange struct {
	Method    string // REGISTER, OPTIONS, INVITE
	Transport string // udp, tcp, tls, ws, wss
	Outcome   Outcome
	// Final is the final response (nil unless Outcome is OutcomeResponse).
	Final *Reply
	// Provisional responses seen before the final one (or before silence).
	Provisional []Reply
	// AuthSent: the request that got Final carried our credentials.
	AuthSent bool
	// CredentialsGiven: the user supplied a password at all.
	CredentialsGiven bool
	// Challenges counts the 401/407 answers received.
	Challenges int
	// Refusals is the evidence for a fail2ban ban: logins the server
	// refused lately, and whether it answered SIP since (see Refusals).
	Refusals Refusals

	TLSFailure  string
	DNSFailure  string
	WSFailure   string // WSStatus, WSNotFound, WSNoSubprotocol, WSNoUpgrade
	Unreachable string // UnreachHost, UnreachNet, UnreachLocal, UnreachProhibited
	// Detail is a short, factual description of the transport error or the
	// lookups tried; it goes into the diagnosis notes.
	Detail string
	// DetailNotes are what the probe itself says about the transport,
	// the lookups or the call, as catalogue notes rendered in the
	// result's language; they follow Detail in the same note (issue 9).
	DetailNotes []Note
	// LocalPeer: the remote address is a loopback address or this
	// machine's own, so no NAT or SIP ALG can sit on the path.
	LocalPeer bool
	// Alt is set when another transport was tried after silence.
	Alt *AltTransport

	// INVITE media analysis (a 2xx answer).
	NoCommonCodec    bool // the SDP answer shares no codec with the offer
	MediaRejected    bool // the answer set the audio port to 0
	PrivateMediaAddr bool // the answer's media address is private while the server's is not
	ACKNotReceived   bool // the server kept retransmitting its 2xx after our ACK
	NoRTPBack        bool // --rtp: nothing came back within the hold time
	ReinviteNoACK    bool // the far end never ACKed our 2xx to its re-INVITE
	RingTimeout      bool // we gave up ringing and sent CANCEL
	// --rtp stream quality (issue 12): OneWayAudio is the direction that
	// fails (OneWayInbound, OneWayOutbound); PoorAudio that the E-model
	// MOS is below the threshold, with the figures for the summary.
	OneWayAudio                      string
	PoorAudio                        bool
	AudioMOS, AudioLoss, AudioJitter string
	// DTMFNotEchoed: --dtmf digits did not all come back from a far end
	// that returned RTP; DTMFMissing lists them ({digits}).
	DTMFNotEchoed bool
	DTMFMissing   string
	// DTMFNotNegotiated: --dtmf was asked for, but the SDP answer had no
	// telephone-event (RFC 4733 §7), so no digits were sent.
	DTMFNotNegotiated bool

	// SRTP (issue 12). SRTPOffered: our offer was RTP/SAVP with SDES keys
	// (--srtp sdes). SRTPRequired: a plain offer was refused as not
	// acceptable and the same call offered with SDES was answered.
	// SRTPNotAnswered: a 2xx answered our SDES offer without usable crypto.
	SRTPOffered, SRTPRequired, SRTPNotAnswered bool
	// SRTPPlainRefused: after our SDES offer was refused as not
	// acceptable, the same call offered as plain RTP was refused too: the
	// encryption is not the cause, the refusal keeps its own diagnosis.
	SRTPPlainRefused bool

	// Register-specific findings.
	BindingNotListed bool // --bind: the 200 OK did not list our contact
	// CredentialsNotChecked: register had a password and got its 2xx
	// without any challenge, so the password was never checked.
	CredentialsNotChecked bool
	// ToUser is the user an OPTIONS asked about (a user in the target
	// URI): the question is then whether that user is reachable.
	ToUser string
	// --bind on an account with contacts (issue 8): without --allow-evict
	// nothing is bound (BindWouldEvict); with it, ContactEvicted says our
	// binding made the registrar drop a contact. Registered counts the
	// contacts the query listed, Evicted and Restored those dropped and
	// put back with the same URI.
	BindWouldEvict bool
	// UnbindFailed: --bind could not remove our contact afterwards; it
	// stays on the registrar until its Expires runs out.
	UnbindFailed                  bool
	ContactEvicted                bool
	Registered, Evicted, Restored int
	// User and Target are used in summaries.
	User   string
	Target string

	// receive (issue 11): the call to the account never reached the
	// contact we bound (InboundNotDelivered), while the REGISTER's Via
	// showed a NAT the registrar did not fix in the contact
	// (InboundNATUnfixed); or we answered and no ACK came.
	InboundNotDelivered bool
	InboundNATUnfixed   bool
	InboundACKLost      bool

	// Cert is the TLS server certificate's expiry (nil without a TLS
	// session), for the tls-cert-expiring warning.
	Cert *CertExpiry
}

// WebSocket upgrade failures (Exchange.WSFailure); the values are
// probe/transport's Upgrade* kinds.
const (
	WSStatus        = "status"         // an HTTP status other than 101 and 404
	WSNotFound      = "not-found"      // 404: no WebSocket at that path
	WSNoSubprotocol = "no-subprotocol" // 101 without Sec-WebSocket-Protocol: sip
	WSNoUpgrade     = "no-upgrade"     // 101 without Upgrade: websocket or a valid Sec-WebSocket-Accept
)
