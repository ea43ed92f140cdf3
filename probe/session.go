package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// Option tunes a probe run (for tests and embedding).
type Option func(*session)

// WithResolver replaces the DNS resolver: the system's, or the one that asks
// only Config.DNSServer.
func WithResolver(r Resolver) Option { return func(s *session) { s.resolver = r } }

// WithCatalog replaces the embedded catalogue.
func WithCatalog(c *catalog.Catalog) Option { return func(s *session) { s.cat = c } }

type session struct {
	kind     Kind
	cfg      Config
	cat      *catalog.Catalog
	resolver Resolver // nil until run: WithResolver, else from cfg

	start time.Time
	// parent is the caller's context: it carries Ctrl-C but not --timeout,
	// for the phases of a test call that --timeout does not bound (ringing,
	// hold).
	parent context.Context
	target target
	host   string // the server's name, for URIs and SNI
	wire   *wire
	alt    *altCheck
	// lastChallenge is the challenge answered last (for the details).
	lastChallenge *challenge
	// tlsConf is the TLS settings of the probe's connection (receive
	// opens a second one for its trigger call).
	tlsConf *tls.Config
	// pool shares links between the probes of a sweep (WithLinkPool).
	pool *LinkPool
}

func newSession(kind Kind, cfg Config, opts ...Option) *session {
	s := &session{kind: kind, cfg: cfg}
	for _, o := range opts {
		o(s)
	}
	if s.cfg.UserAgent == "" {
		s.cfg.UserAgent = "sipprobe"
	}
	if kind == KindReceive {
		s.cfg.Bind = true // receive binds as register --bind does
	}
	return s
}

// catalogue is WithCatalog's catalogue, else the built-in one (compiled
// in, so taking it costs nothing).
func (s *session) catalogue() *catalog.Catalog {
	if s.cat != nil {
		return s.cat
	}
	return catalog.Default()
}

// run performs the probe and always returns exactly one result.
func (s *session) run(parent context.Context) (r results.Result) {
	s.start = time.Now()
	s.parent = parent
	r = results.Result{Probe: string(s.kind), Target: s.cfg.Target, Transport: s.cfg.Transport, User: s.cfg.User, StartedAt: s.start.UTC()}
	ex := catalog.Exchange{Method: s.method(), User: s.cfg.User, Target: s.cfg.Target, CredentialsGiven: s.cfg.Password != ""}
	defer func() {
		if p := recover(); p != nil {
			ex.Outcome = catalog.OutcomeInternal
			n := catalog.NewNote("internal-panic", "text", fmt.Sprint(p))
			setNote(&ex, n)
			r.Error = enText(n) + "\n" + string(debug.Stack())
		}
		s.finish(&r, ex)
	}()
	if err := s.cfg.Validate(s.kind); err != nil {
		ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
		return r
	}
	if s.resolver == nil {
		var err error
		if s.resolver, err = s.cfg.resolver(); err != nil {
			ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
			return r
		}
	}
	t, err := parseTarget(s.cfg.Target)
	if err != nil {
		ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
		return r
	}
	s.target = t
	r.Target = t.uri()
	ex.Target = r.Target
	r.Transport = t.defaultTransport(s.cfg.Transport)
	ex.Transport = r.Transport

	ctx, cancel := context.WithTimeout(parent, s.cfg.timeout())
	defer cancel()

	res, err := resolve(ctx, s.resolver, t, s.cfg.Transport)
	r.Timings.Resolve = results.MillisOf(time.Since(s.start))
	if len(res.Lookups) > 0 {
		s.details(&r).Resolution = s.lookupsIn(res.Lookups)
	}
	if err != nil {
		var re *resolveError
		ex.Outcome, ex.Detail = catalog.OutcomeDNS, err.Error()
		if errors.As(err, &re) {
			ex.DNSFailure = re.kind
			setNote(&ex, re.note(t.Host))
		}
		if errors.Is(parent.Err(), context.Canceled) {
			ex.Outcome = catalog.OutcomeCanceled
		}
		return r
	}
	s.host = res.Host
	r.Transport, ex.Transport = res.Transport, res.Transport
	r.RemoteAddr = res.Addr.String()

	var tlsConf *tls.Config
	if res.Transport == "tls" || res.Transport == "wss" {
		if tlsConf, err = tlsConfig(s.cfg.TLS, res.Host); err != nil {
			ex.Outcome, ex.Detail, r.Error = catalog.OutcomeInternal, err.Error(), err.Error()
			return r
		}
		s.details(&r).TLS = &results.TLSInfo{ServerName: tlsConf.ServerName}
	}

	s.wire = newWire(s.start)
	dialCtx, plainAnswered := s.startPlainCheck(ctx, res)
	connectStart := time.Now()
	var l *link
	if s.pool.pooled(s.kind, res.Transport) {
		l, err = s.pool.acquire(ctx, res.Transport, s.cfg.LocalAddr, res.Addr, s.cfg.UserAgent, s.wire)
	} else {
		l, err = openLink(dialCtx, res.Transport, s.cfg.LocalAddr, res.Addr, tlsConf, s.wsDial(res), s.cfg.UserAgent, s.wire)
		err = plainAnswered(err)
	}
	if err != nil {
		if res.Transport != "udp" {
			r.Timings.Connect = results.MillisOf(time.Since(connectStart))
		}
		var de *dialError
		ex.Outcome = catalog.OutcomeInternal
		ex.LocalPeer = ownAddress(res.Addr.Addr())
		setNote(&ex, noteOf(err))
		if errors.As(err, &de) {
			ex.Outcome, ex.TLSFailure, ex.Unreachable = de.outcome, de.tlsFailure, de.unreach
			ex.WSFailure = de.wsFailure
			if de.outcome == catalog.OutcomeTLS {
				s.details(&r).TLS.Failure = de.tlsFailure
				s.details(&r).TLS.Error = de.err.Error()
				describeRefused(s.details(&r).TLS, de.certs, time.Now())
			}
		}
		if ex.Outcome == catalog.OutcomeInternal {
			r.Error = err.Error()
		}
		s.finishPlainCheck(&r, &ex, err)
		return r
	}
	defer l.close()
	s.finishPlainCheck(&r, &ex, nil)
	r.Timings.Connect = results.MillisOf(l.connected)
	r.LocalAddr = l.laddr.String()
	ex.LocalPeer = localPeer(l.laddr.Addr(), l.raddr.Addr())
	if l.tls != nil {
		s.details(&r).TLS, ex.Cert = tlsInfo(*l.tls, tlsConf, s.cfg.certWarn(), time.Now())
	}

	if l.transport == "udp" && !s.cfg.NoFallback {
		s.alt = startAltCheck(ctx, s, res, nil)
	}
	switch s.kind {
	case KindOptions:
		s.options(ctx, l, &r, &ex)
	case KindRegister:
		s.register(ctx, l, &r, &ex)
	case KindInvite:
		s.invite(ctx, l, &r, &ex)
	case KindReceive:
		s.tlsConf = tlsConf // the trigger call's own connection
		s.receive(ctx, l, &r, &ex)
	}
	if s.alt != nil && l.transport == "udp" {
		switch {
		case ex.Outcome == catalog.OutcomePortUnreachable:
			s.alt.startNow()
			fallthrough
		case ex.Outcome == catalog.OutcomeTimeout && !s.wire.received():
			a := s.alt.wait()
			s.details(&r).AltTransport = a
			ex.Alt = &catalog.AltTransport{Transport: a.Transport, Answered: a.Answered, Code: a.Code, Silent: a.Silent, Unreachable: a.Unreachable}
		default:
			s.alt.cancel()
		}
	}
	return r
}

// finish fills what every result has, however the probe ended.
func (s *session) finish(r *results.Result, ex catalog.Exchange) {
	if s.wire != nil {
		msgs := s.wire.snapshot()
		if s.alt != nil {
			msgs = append(msgs, s.alt.messages()...)
			slices.SortStableFunc(msgs, byTime)
		}
		if !s.cfg.ShowSecrets {
			msgs = redact(msgs)
		}
		r.Messages = msgs
		r.Responses = s.wire.responses()
		r.Timings.FirstResponse = s.wire.firstResponse()
	}
	if ex.Final != nil {
		r.FinalCode, r.FinalReason = ex.Final.Code, ex.Final.Reason
	}
	if s.cfg.Refusals != nil {
		ex.Refusals = s.cfg.Refusals()
	}
	if s.interrupted() {
		r.Observed = s.observedSoFar(ex)
		ex.Outcome = catalog.OutcomeCanceled
	}
	r.Diagnosis = s.catalogue().Diagnose(ex, s.cfg.Lang)
	r.Status = results.StatusFromSeverity(r.Diagnosis.Severity)
	if ex.Outcome == catalog.OutcomeInternal && r.Status != results.StatusUnknown {
		r.Status = results.StatusUnknown
	}
	r.Timings.Total = results.MillisOf(time.Since(s.start))
}

func (s *session) method() string {
	switch s.kind {
	case KindRegister:
		return "REGISTER"
	case KindInvite:
		return "INVITE"
	case KindReceive:
		return "RECEIVE"
	}
	return "OPTIONS"
}

func (s *session) details(r *results.Result) *results.Details {
	if r.Details == nil {
		r.Details = &results.Details{}
	}
	return r.Details
}

// domain is the SIP domain of the account: --domain, else the target host.
func (s *session) domain() string {
	if s.cfg.Domain != "" {
		return s.cfg.Domain
	}
	return s.host
}

// serverURI is the Request-URI for requests to the server itself.
func (s *session) serverURI(transport string) sip.Uri {
	u := sip.Uri{Scheme: s.target.Scheme, Host: s.host, Port: s.target.Port, UriParams: sip.NewParams()}
	switch {
	case isWS(transport):
		u.UriParams.Add("transport", "ws") // RFC 7118 §5.2, for WSS too
	case transport != "udp" && s.target.Scheme == "sip":
		u.UriParams.Add("transport", transport)
	}
	return u
}

func (s *session) accountURI() sip.Uri {
	return sip.Uri{Scheme: "sip", User: s.cfg.User, Host: s.domain()}
}

func (s *session) authUser() string {
	if s.cfg.AuthUser != "" {
		return s.cfg.AuthUser
	}
	return s.cfg.User
}

// setFinal records the final response in the exchange and the details.
func (s *session) setFinal(r *results.Result, ex *catalog.Exchange, res *sip.Response, l *link) {
	ex.Outcome = catalog.OutcomeResponse
	ex.Final = replyOf(res)
	d := s.details(r)
	if v := headerValue(res, "Server"); v != "" {
		d.ServerAgent = v
	} else if v := headerValue(res, "User-Agent"); v != "" {
		d.ServerAgent = v
	}
	if via := res.Via(); via != nil {
		nat := &results.NATInfo{SentBy: l.laddr.String()}
		if v, ok := via.Params.Get("received"); ok {
			nat.Received = v
		}
		if v, ok := via.Params.Get("rport"); ok && v != "" {
			fmt.Sscanf(v, "%d", &nat.RPort)
		}
		if nat.Received != "" || nat.RPort != 0 {
			nat.Detected = (nat.Received != "" && nat.Received != l.laddr.Addr().String()) ||
				(nat.RPort != 0 && nat.RPort != int(l.laddr.Port()))
			d.NAT = nat
		}
	}
}

func (s *session) setError(ex *catalog.Exchange, err error) {
	var ee *exchangeError
	if errors.As(err, &ee) {
		ex.Outcome, ex.Unreachable = ee.outcome, ee.unreach
		ex.Detail, ex.DetailNotes = "", ee.notes
		return
	}
	ex.Outcome = catalog.OutcomeInternal
	setNote(ex, noteOf(err))
}

func replyOf(res *sip.Response) *catalog.Reply {
	return &catalog.Reply{
		Code:       int(res.StatusCode),
		Reason:     res.Reason,
		RetryAfter: headerValue(res, "Retry-After"),
		MinExpires: headerValue(res, "Min-Expires"),
		Warning:    headerValue(res, "Warning"),
		ReasonHdr:  headerValue(res, "Reason"),
		Server:     headerValue(res, "Server"),
	}
}

func headerValue(m interface{ GetHeader(string) sip.Header }, name string) string {
	if h := m.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

// lookupsIn is a copy of the lookups with the failures sipprobe words
// itself in the result's language, as the text report shows them.
func (s *session) lookupsIn(ls []results.Lookup) []results.Lookup {
	out := slices.Clone(ls)
	for i, l := range out {
		if l.Error != "" {
			out[i].Error = s.catalogue().NoteText(dnsErrNote(l.Error), s.cfg.Lang)
		}
	}
	return out
}

// lookupNotes are the lookups tried, each with its answers or its
// failure, for the dns-not-resolved note.
func lookupNotes(ls []results.Lookup) []catalog.Note {
	notes := make([]catalog.Note, 0, len(ls))
	for _, l := range ls {
		res := catalog.Text(strings.Join(l.Answer, ", "))
		if l.Error != "" {
			res = dnsErrNote(l.Error)
		}
		notes = append(notes, catalog.NewNote("dns-lookup", "what", l.Type, "host", l.Query).With("text", res))
	}
	return notes
}
