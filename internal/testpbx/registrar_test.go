package testpbx

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// TestRegisterSipgoClient drives the registrar with sipgo's own client and
// DoDigestAuth on each transport: the way the probe engine will talk to it.
func TestRegisterSipgoClient(t *testing.T) {
	for _, tp := range []string{"udp", "tcp"} {
		t.Run(tp, func(t *testing.T) {
			p := startPBX(t, WithAccount("120", "secret"))
			cl := sipgoClient(t)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			req := sip.NewRequest(sip.REGISTER, pbxURI(t, p, tp, ""))
			to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "120", Host: "127.0.0.1"}}
			req.AppendHeader(to)
			from := &sip.FromHeader{Address: to.Address, Params: sip.NewParams()}
			from.Params.Add("tag", sip.GenerateTagN(8))
			req.AppendHeader(from)
			req.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "120", Host: "127.0.0.1", Port: 5999}})
			req.AppendHeader(sip.NewHeader("Expires", "60"))

			res, err := cl.Do(ctx, req, sipgo.ClientRequestRegisterBuild)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != 401 {
				t.Fatalf("first answer %d, want 401", res.StatusCode)
			}
			res, err = cl.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: "120", Password: "secret"})
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != 200 {
				t.Fatalf("authenticated answer %d %s, want 200", res.StatusCode, res.Reason)
			}
			bs := p.Bindings("120")
			if len(bs) != 1 || !strings.Contains(bs[0].URI, ":5999") {
				t.Fatalf("bindings %+v", bs)
			}
			if c := res.Contact(); c == nil || c.Address.Port != 5999 {
				t.Fatalf("200 OK does not list the binding: %v", res)
			}
			plain, auth := countAuth(p.Requests(), "REGISTER")
			if plain != 1 || auth != 1 {
				t.Fatalf("recorded %d plain and %d authenticated REGISTERs, want 1 and 1", plain, auth)
			}
		})
	}
}

// registerRaw registers (or queries, or removes) via a raw UDP client and
// returns the final response.
func registerRaw(t *testing.T, p *PBX, c *rawClient, user, password string, edit func(*sip.Request)) *sip.Response {
	t.Helper()
	req := c.newRequest(sip.REGISTER, user, "", p)
	if edit != nil {
		edit(req)
	}
	return c.do(req, user, password)
}

func contactURIs(res *sip.Response) []string {
	var out []string
	for _, h := range res.GetHeaders("Contact") {
		out = append(out, h.Value())
	}
	return out
}

func TestRegistrarSemantics(t *testing.T) {
	phone := "sip:120@192.0.2.7:5060"
	tests := []struct {
		name      string
		opts      []Option
		edit      func(c *rawClient) func(*sip.Request)
		wantCode  int
		wantBinds int // bindings left for 120 (the phone counts)
		check     func(t *testing.T, res *sip.Response)
	}{
		{
			name:      "query without Contact lists bindings and changes nothing",
			edit:      func(c *rawClient) func(*sip.Request) { return nil },
			wantCode:  200,
			wantBinds: 1,
			check: func(t *testing.T, res *sip.Response) {
				cs := contactURIs(res)
				if len(cs) != 1 || !strings.Contains(cs[0], "192.0.2.7") || !strings.Contains(cs[0], "expires=") {
					t.Fatalf("contacts %v", cs)
				}
			},
		},
		{
			name: "bind adds a second contact",
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) { c.contact(r, "120", "expires=60") }
			},
			wantCode:  200,
			wantBinds: 2,
			check: func(t *testing.T, res *sip.Response) {
				if n := len(contactURIs(res)); n != 2 {
					t.Fatalf("200 lists %d contacts, want 2", n)
				}
			},
		},
		{
			name: "expires 0 removes only that contact",
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) {
					r.AppendHeader(sip.NewHeader("Expires", "0"))
					r.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "120", Host: "192.0.2.99"}})
				}
			},
			wantCode:  200,
			wantBinds: 1,
		},
		{
			name: "star without Expires 0 is rejected",
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) {
					r.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Wildcard: true}})
					r.AppendHeader(sip.NewHeader("Expires", "60"))
				}
			},
			wantCode:  400,
			wantBinds: 1,
		},
		{
			name: "star with Expires 0 removes all",
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) {
					r.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Wildcard: true}})
					r.AppendHeader(sip.NewHeader("Expires", "0"))
				}
			},
			wantCode:  200,
			wantBinds: 0,
		},
		{
			name: "interval too brief",
			opts: []Option{WithMinExpires(300)},
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) { c.contact(r, "120", "expires=60") }
			},
			wantCode:  423,
			wantBinds: 1,
			check: func(t *testing.T, res *sip.Response) {
				if h := res.GetHeader("Min-Expires"); h == nil || h.Value() != "300" {
					t.Fatalf("Min-Expires %v", h)
				}
			},
		},
		{
			name: "max contacts evicts the real phone",
			opts: []Option{WithMaxContacts(1)},
			edit: func(c *rawClient) func(*sip.Request) {
				return func(r *sip.Request) { c.contact(r, "120", "expires=60") }
			},
			wantCode:  200,
			wantBinds: 1,
			check: func(t *testing.T, res *sip.Response) {
				cs := contactURIs(res)
				if len(cs) != 1 || strings.Contains(cs[0], "192.0.2.7") {
					t.Fatalf("contacts %v, want only ours", cs)
				}
			},
		},
		{
			name:     "disabled account",
			opts:     []Option{WithAccount("130", "pw", Reject(403, "User Disabled"))},
			edit:     func(c *rawClient) func(*sip.Request) { return nil },
			wantCode: 403, wantBinds: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPBX(t, append([]Option{WithAccount("120", "secret")}, tt.opts...)...)
			if err := p.AddBinding("120", phone, time.Hour); err != nil {
				t.Fatal(err)
			}
			c := dialRaw(t, p, "udp")
			user, pw := "120", "secret"
			if tt.name == "disabled account" {
				user, pw = "130", "pw"
			}
			res := registerRaw(t, p, c, user, pw, tt.edit(c))
			if res.StatusCode != tt.wantCode {
				t.Fatalf("got %d %s, want %d", res.StatusCode, res.Reason, tt.wantCode)
			}
			if tt.name == "disabled account" && res.Reason != "User Disabled" {
				t.Fatalf("reason %q", res.Reason)
			}
			if n := len(p.Bindings("120")); n != tt.wantBinds {
				t.Fatalf("%d bindings left, want %d: %+v", n, tt.wantBinds, p.Bindings("120"))
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func TestBindingExpires(t *testing.T) {
	p := startPBX(t, WithAccount("120", "secret"))
	if err := p.AddBinding("120", "sip:120@192.0.2.7", 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if n := len(p.Bindings("120")); n != 1 {
		t.Fatalf("%d bindings", n)
	}
	time.Sleep(80 * time.Millisecond)
	if n := len(p.Bindings("120")); n != 0 {
		t.Fatalf("%d bindings after expiry", n)
	}
	if err := p.AddBinding("nobody", "sip:x@y", time.Second); err == nil {
		t.Fatal("AddBinding accepted an unknown account")
	}
	if err := p.AddBinding("120", "not a uri", time.Second); err == nil {
		t.Fatal("AddBinding accepted a bad URI")
	}
}
