package results

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// heldBack is what the runner makes up for an account in its cool-down:
// the refusal's verdict, nothing sent, and when it is tried again.
func heldBack() Result {
	at := time.Date(2026, 12, 1, 9, 50, 0, 0, time.Local)
	return Result{Name: "reg-121", Probe: "register", Target: "sip:pbx", Transport: "udp", User: "121", StartedAt: at, Status: StatusCritical,
		Diagnosis: catalog.Diagnosis{ID: "wrong-password", Summary: "The server rejected the credentials for 121.", Notes: []string{"Not sent: the credentials of 121 were refused in a run at 09:42."}},
		NotSent:   &NotSent{Reason: NotSentCooldown, Until: time.Date(2026, 12, 1, 10, 42, 0, 0, time.Local)}}
}

// Every renderer says a result held back by the cool-down was not sent and
// until when, and none makes up a timing for it.
func TestNotSentRendered(t *testing.T) {
	const until = "not retried until 10:42, cool-down"
	render := map[string]func(*bytes.Buffer, Result) error{
		"text": func(b *bytes.Buffer, r Result) error { return WriteText(b, r, TextOptions{}) },
		"table": func(b *bytes.Buffer, r Result) error {
			tb := NewTable(b, TableOptions{Names: []string{r.Name}})
			return tb.Add(r)
		},
		"nagios": func(b *bytes.Buffer, r Result) error { return WriteNagios(b, r, NagiosOptions{}) },
		"nagios run": func(b *bytes.Buffer, r Result) error {
			n := NewNagios(b, NagiosOptions{})
			if err := n.Add(r); err != nil {
				return err
			}
			return n.Close()
		},
		"junit": func(b *bytes.Buffer, r Result) error {
			j, err := NewJUnit("s", r.StartedAt)
			if err != nil {
				return err
			}
			if err := j.Add(r); err != nil {
				return err
			}
			return j.Finish(b)
		},
		"prom": func(b *bytes.Buffer, r Result) error {
			p := NewProm()
			if err := p.Add(r); err != nil {
				return err
			}
			return p.Write(b, r.StartedAt)
		},
	}
	tests := []struct {
		name    string
		want    []string
		wantNot []string
	}{
		{name: "text", want: []string{"CRITICAL  not sent (" + until + ")"}, wantNot: []string{"Timings:", "no final response"}},
		{name: "table", want: []string{"wrong-password        not sent\n", "↳ Not sent"}},
		{name: "nagios", want: []string{"SIPPROBE CRITICAL - wrong-password: The server rejected the credentials for 121. (" + until + ")\n"}, wantNot: []string{"'time'", "|"}},
		{name: "nagios run", want: []string{"SIPPROBE CRITICAL - 0 of 1 probe OK: reg-121 wrong-password (" + until + ")\n", "CRITICAL reg-121: wrong-password (" + until + ")"}, wantNot: []string{"_time", "|"}},
		{name: "junit", want: []string{`message="The server rejected the credentials for 121. (` + until + `)"`}},
		{name: "prom", want: []string{`sipprobe_probe_status{`}, wantNot: []string{"sipprobe_probe_duration_seconds{"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := render[tt.name](&b, heldBack()); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("has %q:\n%s", w, out)
				}
			}
		})
	}
	t.Run("another day shows the date", func(t *testing.T) {
		r := heldBack()
		r.NotSent.Until = r.NotSent.Until.Add(24 * time.Hour)
		if got := notSentText(r, catalog.EN); got != "not retried until 2026-12-02 10:42, cool-down" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("refused earlier in this run", func(t *testing.T) {
		r := heldBack()
		r.NotSent = &NotSent{Reason: NotSentRefused}
		if got := notSentText(r, catalog.RU); got != "не отправлено: учётные данные уже отклонены в этом запуске" {
			t.Errorf("got %q", got)
		}
	})
}
