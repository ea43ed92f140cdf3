package probe

import (
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/testpeers"
	"github.com/sipprobe/sipprobe/results"
)

// TestKamailioWebSocket: OPTIONS, REGISTER and --bind over WS and WSS
// against Kamailio's websocket module, and its 404 for another path.
func TestKamailioWebSocket(t *testing.T) {
	k := kamailio.Start(t, kamailio.WithWebSocket())
	trust := TLSConfig{CAFile: k.Certs.CAFile}
	for _, tr := range []string{"ws", "wss"} {
		url := k.WSURL(tr, kamailio.WSPath)
		t.Run("options over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindOptions, Config{Target: url, TLS: trust})
			wantDiagnosis(t, r, "ok", results.StatusOK)
			if r.Transport != tr || r.FinalCode != 200 || r.Target != url {
				t.Errorf("transport %s, final %d, target %s", r.Transport, r.FinalCode, r.Target)
			}
			if tr == "wss" && (r.Details == nil || r.Details.TLS == nil || r.Details.TLS.Version == "") {
				t.Errorf("no TLS details over wss: %+v", r.Details)
			}
			wantVia(t, r, "SIP/2.0/"+strings.ToUpper(tr)+" ")
		})
		t.Run("--transport "+tr+" with host:port and the default path", func(t *testing.T) {
			r := kamProbe(t, KindOptions, Config{Target: k.Addr(tr), Transport: tr, TLS: trust})
			wantDiagnosis(t, r, "websocket-not-found", results.StatusCritical)
		})
		t.Run("register over "+tr, func(t *testing.T) {
			r := kamProbe(t, KindRegister, Config{Target: url, User: "120", Password: k.Accounts["120"], TLS: trust})
			wantDiagnosis(t, r, "ok", results.StatusOK)
		})
		t.Run("register --bind over "+tr+" lists the .invalid contact and removes it", func(t *testing.T) {
			r := kamProbe(t, KindRegister, Config{Target: url, User: "121", Password: k.Accounts["121"], Bind: true, Expires: 30, TLS: trust})
			wantDiagnosis(t, r, "ok", results.StatusOK)
			d := r.Details
			if d.BindingVerified == nil || !*d.BindingVerified || d.Unbound == nil || !*d.Unbound {
				t.Fatalf("verified %v, unbound %v", d.BindingVerified, d.Unbound)
			}
			if !strings.Contains(d.BoundContact, ".invalid") || !strings.Contains(d.BoundContact, "transport=ws") {
				t.Errorf("bound contact %q, want an .invalid host with transport=ws (RFC 7118 §5.2)", d.BoundContact)
			}
			if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, "only while this connection lives") {
				t.Errorf("notes do not say the contact lives with the connection: %v", r.Diagnosis.Notes)
			}
			if left := k.Contacts(t, "121"); len(left) != 0 {
				t.Errorf("bindings left behind: %+v", left)
			}
		})
		t.Run("wrong path over "+tr+": 404", func(t *testing.T) {
			r := kamProbe(t, KindOptions, Config{Target: k.WSURL(tr, "/nope"), TLS: trust, Timeout: 2 * time.Second})
			wantDiagnosis(t, r, "websocket-not-found", results.StatusCritical)
			if notes := strings.Join(r.Diagnosis.Notes, "\n"); !strings.Contains(notes, "HTTP 404 Not Found") {
				t.Errorf("notes %v, want the HTTP status", r.Diagnosis.Notes)
			}
		})
	}
}

// wantVia fails unless every request sent carries a Via with prefix.
func wantVia(t *testing.T, r results.Result, prefix string) {
	t.Helper()
	for _, m := range r.Messages {
		if m.Dir == results.DirOut && !strings.Contains(m.Raw, "Via: "+prefix) {
			t.Errorf("sent without %q:\n%s", prefix, m.Raw)
		}
	}
}

// TestInviteOverWebSocket places a call over WS and WSS through Kamailio
// (407, record-route) to a SIPp callee on UDP: ACK and BYE follow the
// route set back over our WebSocket.
func TestInviteOverWebSocket(t *testing.T) {
	testpeers.Require(t, "sipp")
	for _, tr := range []string{"ws", "wss"} {
		t.Run("call over "+tr, func(t *testing.T) {
			callee := sippCallee(t, "answer_pcmu.xml")
			k := kamailio.Start(t, kamailio.WithWebSocket(), kamailio.WithInviteRoute(callee.Addr()), kamailio.WithInviteAuth())
			cfg := inviteConfig(k.WSURL(tr, kamailio.WSPath), func(c *Config) {
				c.Password = k.Accounts["120"]
				c.TLS = TLSConfig{CAFile: k.Certs.CAFile}
			})
			r := kamProbe(t, KindInvite, cfg)
			wantDiagnosis(t, r, "ok", results.StatusOK)
			in := inviteDetails(t, r)
			if in.ByeCode != 200 || in.ACKConfirmed == nil || !*in.ACKConfirmed {
				t.Errorf("call: %+v", *in)
			}
		})
	}
}
