package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
	"github.com/sipprobe/sipprobe/results"
)

// TestBindEvictionPBX runs --bind against the test PBX's registrar, which
// can keep one contact per account (WithMaxContacts(1) drops the oldest).
func TestBindEvictionPBX(t *testing.T) {
	const phone = "sip:120@192.0.2.44:5062"
	tests := []struct {
		name       string
		maxContact int
		phone      bool
		password   string
		allowEvict bool
		diagnosis  string
		status     results.Status
		auth       int // authenticated REGISTERs the PBX saw
	}{
		{"wrong password: nothing bound", 1, true, "bad", true, "wrong-password", results.StatusCritical, 1},
		{"phone registered: bind skipped", 1, true, "pw", false, "bind-would-evict", results.StatusWarning, 1},
		{"single contact: phone evicted and restored", 1, true, "pw", true, "contact-evicted", results.StatusWarning, 4},
		{"several contacts: nothing evicted", 0, true, "pw", true, "ok", results.StatusOK, 3},
		{"empty account: bound and removed", 1, false, "pw", false, "ok", results.StatusOK, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPBX(t, testpbx.WithAccount("120", "pw"), testpbx.WithMaxContacts(tt.maxContact))
			if tt.phone {
				if err := p.AddBinding("120", phone, time.Hour); err != nil {
					t.Fatal(err)
				}
			}
			r := Run(context.Background(), KindRegister, Config{Target: p.Addr("udp"), User: "120", Password: tt.password,
				Bind: true, AllowEvict: tt.allowEvict, Expires: 30, Timeout: 3 * time.Second})
			if r.Diagnosis.ID != tt.diagnosis || r.Status != tt.status {
				t.Fatalf("got %s/%s (%d %s; notes %v), want %s/%s", r.Diagnosis.ID, r.Status, r.FinalCode, r.FinalReason, r.Diagnosis.Notes, tt.diagnosis, tt.status)
			}
			if auth, _ := authSent(p, "REGISTER"); auth != tt.auth {
				t.Errorf("the PBX saw %d authenticated REGISTERs, want %d", auth, tt.auth)
			}
			left := p.Bindings("120")
			if !tt.phone {
				if len(left) != 0 {
					t.Fatalf("left behind: %+v", left)
				}
				return
			}
			if len(left) != 1 || left[0].URI != phone {
				t.Fatalf("bindings after the probe %+v, want only the phone", left)
			}
			if !left[0].Expires.Before(time.Now().Add(time.Hour)) {
				t.Errorf("the phone's binding lasts until %v, longer than it had", left[0].Expires)
			}
			if tt.diagnosis == "contact-evicted" {
				ev := r.Details.Evicted
				if len(ev) != 1 || ev[0].URI != phone || !ev[0].Restored {
					t.Errorf("evicted %+v, want the phone restored", ev)
				}
			}
			for _, m := range r.Messages {
				if m.Dir == results.DirOut && strings.Contains(m.Raw, "Contact: *") {
					t.Error("sent a wildcard Contact")
				}
			}
		})
	}
}

// TestBindUnbindFailedPBX: the PBX stops answering after it bound our
// contact, so the contact cannot be removed: the question "can a contact be
// bound and removed?" is answered no (unbind-failed), not ok.
func TestBindUnbindFailedPBX(t *testing.T) {
	// Query (401, 200), bind (401, 200): the fifth REGISTER, the removal, is dropped.
	p := startPBX(t, testpbx.WithAccount("120", "pw"), testpbx.WithFaultAfter(testpbx.FaultSilence, 4, "REGISTER"))
	r := Run(context.Background(), KindRegister, Config{Target: p.Addr("udp"), User: "120", Password: "pw", Bind: true, Expires: 30, Timeout: 3 * time.Second})
	if r.Diagnosis.ID != "unbind-failed" || r.Status != results.StatusWarning {
		t.Fatalf("got %s/%s, want unbind-failed/warning; notes %v", r.Diagnosis.ID, r.Status, r.Diagnosis.Notes)
	}
	if r.Details == nil || r.Details.Unbound == nil || *r.Details.Unbound {
		t.Errorf("details do not say the contact stayed: %+v", r.Details)
	}
	if left := p.Bindings("120"); len(left) != 1 {
		t.Errorf("the PBX should still hold our contact (the fault dropped its removal): %+v", left)
	}
}
