package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// Results the runner makes up for probes it did not send.
//
// A probe skipped for ban safety is CRITICAL with the wrong-password
// diagnosis, not UNKNOWN: the account's credentials were refused and
// nothing has shown otherwise, so the monitoring state stays what it was
// (no flapping to UNKNOWN, no --notify-on-change mail on every cron run)
// while a note says plainly that nothing was sent. It has no final code,
// which is how CredentialsRejected tells it from a real refusal.
//
// A probe that did not start because the run was interrupted is UNKNOWN
// (exit 3: sipprobe could not check) with diagnosis results.NotRunID. A
// probe in flight when the run is interrupted reports itself: UNKNOWN with
// the diagnosis canceled and what it saw so far (probe.Run does that).

func identify(r results.Result, j Job) results.Result {
	if r.Name == "" {
		r.Name = j.Name
	}
	if r.Probe == "" {
		r.Probe = string(j.Kind)
	}
	if r.Target == "" {
		r.Target = j.Config.Target
	}
	if r.Transport == "" {
		r.Transport = transportOf(j)
	}
	if r.User == "" {
		r.User = j.Config.User
	}
	return r
}

// transportOf is the transport the engine will pick (DESIGN.md §1).
func transportOf(j Job) string {
	switch {
	case j.Config.Transport != "":
		return j.Config.Transport
	case strings.HasPrefix(strings.ToLower(j.Config.Target), "sips:"):
		return "tls"
	}
	return "udp"
}

// made starts a result the engine did not produce, with the target written
// the way the engine reports it (a URI), so outputs and metric labels match.
func made(j Job, now time.Time) results.Result {
	r := identify(results.Result{StartedAt: now.UTC()}, j)
	if l := strings.ToLower(r.Target); !strings.HasPrefix(l, "sip:") && !strings.HasPrefix(l, "sips:") {
		r.Target = "sip:" + r.Target
	}
	return r
}

func notRun(j Job, now time.Time, why string) results.Result {
	r := made(j, now)
	r.Status = results.StatusUnknown
	r.Error = "not run: " + why
	r.Diagnosis = lookup(results.NotRunID, j, map[string]string{"text": why})
	return r
}

func skippedInRun(j Job, now time.Time, by string) results.Result {
	r := skipped(j, now, fmt.Sprintf("Not sent: the credentials of %s were refused earlier in this run (probe %s); sipprobe does not repeat refused credentials, so that fail2ban does not ban this host.", j.Config.User, by))
	r.NotSent = &results.NotSent{Reason: results.NotSentRefused}
	return r
}

// skippedCooldown is the result of a probe not sent because its account's
// credentials were refused at refusedAt, in a run within the cool-down.
func skippedCooldown(j Job, now, refusedAt time.Time, cooldown time.Duration) results.Result {
	until := refusedAt.Add(cooldown)
	r := skipped(j, now, fmt.Sprintf("Not sent: the credentials of %s were refused in a run at %s; sipprobe leaves the account alone for %s, until %s, so that fail2ban does not ban this host. Fix the password, then run with --force.", j.Config.User, results.ClockOf(now, refusedAt), cooldown, results.ClockOf(now, until)))
	r.NotSent = &results.NotSent{Reason: results.NotSentCooldown, Until: until.UTC()}
	return r
}

func skipped(j Job, now time.Time, note string) results.Result {
	r := made(j, now)
	r.Status = results.StatusCritical
	r.Diagnosis = lookup(diagWrongPassword, j, map[string]string{"user": j.Config.User, "target": r.Target})
	r.Diagnosis.Notes = append(r.Diagnosis.Notes, note)
	return r
}

// lookup renders the catalogue's entry for a result the runner made up
// (catalog tests make sure both ids exist).
func lookup(id string, j Job, values map[string]string) catalog.Diagnosis {
	d, _ := catalog.Default().RenderWith(id, j.Config.Lang, values)
	return d
}
