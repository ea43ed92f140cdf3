package kamailio

import (
	"time"

	"github.com/sipprobe/sipprobe/internal/netns"
	"github.com/sipprobe/sipprobe/internal/testcerts"
)

// UnknownUser says how the server answers a REGISTER for an account it does
// not know.
type UnknownUser int

const (
	// UnknownUser404 answers "404 Unknown user account", like Kamailio's
	// and many vendors' registrars.
	UnknownUser404 UnknownUser = iota
	// UnknownUserChallenge answers with a fresh 401 challenge, like Asterisk
	// (chan_pjsip), so that extensions cannot be enumerated.
	UnknownUserChallenge
)

// DefaultRealm is the digest realm and the domain alias of the server.
const DefaultRealm = "pbx.test"

// DefaultAccounts are the accounts a server has unless WithAccounts says
// otherwise.
func DefaultAccounts() map[string]string {
	return map[string]string{"120": "secret120", "121": "secret121", "600": "secret600"}
}

// config is what the options set; it becomes the kamailio.cfg.
type config struct {
	realm          string
	accounts       map[string]string
	wrongPass403   bool
	unknownUser    UnknownUser
	challengeOpts  bool
	qop            bool
	sha256         bool
	maxContacts    int
	inviteRoute    string
	inviteAuth     bool
	certs          *testcerts.Set
	serverCert     *testcerts.Pair
	requireClient  bool
	startTimeout   time.Duration
	defaultExpires int
	host           string
	ns             *netns.NS
	singleContact  bool
	rewriteContact bool
	webSocket      bool

	natCalls bool
	open     bool // WithOpenRegistrar

	portBelow int // 0: an ephemeral port (WithPortBelow)
}

func defaultConfig() config {
	return config{
		realm:        DefaultRealm,
		accounts:     DefaultAccounts(),
		startTimeout: 10 * time.Second,
		host:         "127.0.0.1",
	}
}

// Option configures a test Kamailio.
type Option func(*config)

// WithRealm sets the digest realm and the domain alias (default pbx.test).
func WithRealm(realm string) Option { return func(c *config) { c.realm = realm } }

// WithAccounts replaces the default accounts (user -> password).
func WithAccounts(accounts map[string]string) Option {
	return func(c *config) { c.accounts = accounts }
}

// WithWrongPassword403 answers a wrong password with "403 Wrong Guess", as
// some vendors do, instead of a fresh 401 challenge.
func WithWrongPassword403() Option { return func(c *config) { c.wrongPass403 = true } }

// WithUnknownUser sets the answer to an unknown account (default 404).
func WithUnknownUser(u UnknownUser) Option { return func(c *config) { c.unknownUser = u } }

// WithOptionsAuth challenges OPTIONS with 401 too, as locked-down PBXs do.
func WithOptionsAuth() Option { return func(c *config) { c.challengeOpts = true } }

// WithOpenRegistrar accepts every REGISTER without a challenge, like a
// registrar that trusts the source address (or a misconfigured one).
func WithOpenRegistrar() Option { return func(c *config) { c.open = true } }

// WithQop offers qop="auth" in challenges (RFC 2617 §3.2.1).
func WithQop() Option { return func(c *config) { c.qop = true } }

// WithSHA256 challenges with algorithm=SHA-256 (RFC 8760) instead of MD5.
// Kamailio 5.6 offers one algorithm per server (auth module parameter
// "algorithm"), not both in two challenges.
func WithSHA256() Option { return func(c *config) { c.sha256 = true } }

// WithMaxContacts limits the bindings per account (registrar max_contacts);
// a REGISTER beyond it gets "503 Service Unavailable" (Kamailio 5.6).
func WithMaxContacts(n int) Option { return func(c *config) { c.maxContacts = n } }

// WithInviteRoute relays every INVITE (phone -> Kamailio -> addr) to the
// UDP address addr ("127.0.0.1:port"), typically a SIPp UAS. Without it,
// INVITEs go to the callee's registered contacts, or get 404.
func WithInviteRoute(addr string) Option { return func(c *config) { c.inviteRoute = addr } }

// WithInviteAuth challenges INVITEs with 407 Proxy Authentication Required.
func WithInviteAuth() Option { return func(c *config) { c.inviteAuth = true } }

// WithCerts uses this PKI (default: a fresh testcerts.New). The server
// presents certs.Server unless WithServerCert says otherwise.
func WithCerts(certs *testcerts.Set) Option { return func(c *config) { c.certs = certs } }

// WithServerCert presents pair on TLS, e.g. certs.Expired or
// certs.WrongName, to test a client's TLS failure handling.
func WithServerCert(pair testcerts.Pair) Option {
	return func(c *config) { c.serverCert = &pair }
}

// WithRequireClientCert makes the TLS listener demand a client certificate
// signed by the test CA (mutual TLS).
func WithRequireClientCert() Option { return func(c *config) { c.requireClient = true } }

// WithDefaultExpires sets the registrar's default_expires in seconds.
func WithDefaultExpires(s int) Option { return func(c *config) { c.defaultExpires = s } }

// WithNamespace runs Kamailio inside the network namespace ns, listening on
// host (an address of one of ns's interfaces) on the standard ports 5060
// and 5061: the namespace is the test's own, so nothing else can hold them.
func WithNamespace(ns netns.NS, host string) Option {
	return func(c *config) { c.ns, c.host = &ns, host }
}

// WithSingleContact keeps one contact per account: a REGISTER with a new
// contact removes the others (registrar save() flag 0x04), like Asterisk's
// max_contacts=1 with remove_existing=yes.
func WithSingleContact() Option { return func(c *config) { c.singleContact = true } }

// WithContactRewrite stores the REGISTER's source address instead of the
// Contact's host:port (nathelper fix_nated_contact before save), like
// Asterisk's rewrite_contact=yes. A contact registered by a third party
// then points at that third party.
func WithContactRewrite() Option { return func(c *config) { c.rewriteContact = true } }

// WSPath is the only path the WebSocket listeners upgrade; any other
// answers 404 Not Found.
const WSPath = "/ws"

// WithWebSocket adds SIP over WebSocket listeners (RFC 7118, the
// websocket and xhttp modules): WS on a TCP port and WSS on a TLS port
// with the test certificate, both upgrading only WSPath. Addr("ws") and
// Addr("wss") give their addresses.
func WithWebSocket() Option { return func(c *config) { c.webSocket = true } }

// WithNATCalls fixes the Contact of INVITEs and of their replies to the
// source address too (fix_nated_contact in the request route and an
// onreply_route), as a complete NAT set-up does: with WithContactRewrite
// alone the INVITE reaches a phone behind NAT, but the ACK and BYE follow
// the private Contact of its 200 OK and are lost.
func WithNATCalls() Option { return func(c *config) { c.natCalls = true } }
