package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/scenarios"
)

// handleProbe is /probe?module=NAME&target=HOST[:PORT][&debug=true]: the
// entry NAME sent to target instead of its server, answered with that one
// probe's metrics in a fresh registry, as blackbox_exporter does.
//
// Security (issue 10): a module goes only to targets its entry allows
// (allowed); anything else is 403 before a single packet is sent, so no
// one who reaches the agent can collect digest responses from it.
func (a *Agent) handleProbe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cfg := a.Config()
	p, j, err := cfg.module(q.Get("module"))
	if q.Get("module") == "" {
		err = fmt.Errorf("%w: the module parameter is missing (a probe name of %s)", ErrUnknownModule, cfg.Path)
	}
	if err != nil {
		a.refuse(w, http.StatusBadRequest, "bad", err)
		return
	}
	t, err := parseTarget(q.Get("target"))
	if err != nil {
		a.refuse(w, http.StatusBadRequest, "bad", err)
		return
	}
	if !allowed(p, t) {
		a.log.Warn("/probe refused: target not allowed", "module", j.Name, "target", t.String(), "remote", r.RemoteAddr)
		a.refuse(w, http.StatusForbidden, "refused", fmt.Errorf("%w: %s may be sent to its own server and to the targets its entry lists (targets = [...]); %s is not one", ErrTargetNotAllowed, j.Name, t))
		return
	}
	budget, err := scrapeBudget(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"))
	if err != nil {
		a.refuse(w, http.StatusBadRequest, "bad", err)
		return
	}
	select {
	case a.slots <- struct{}{}:
		defer func() { <-a.slots }()
	default:
		a.refuse(w, http.StatusServiceUnavailable, "busy", fmt.Errorf("%w: %d /probe requests are running (the limit); try again", ErrBusy, cap(a.slots)))
		return
	}
	if !a.inFlight.enter() {
		a.refuse(w, http.StatusServiceUnavailable, "busy", errors.New("shutting down"))
		return
	}
	res := a.probeOnce(r.Context(), a.prepare(j.WithTarget(t.String())), budget)
	a.inFlight.leave()
	a.metrics.onDemand.WithLabelValues("run").Inc()

	// The history keeps on-demand results apart from the schedule's (the
	// page and `sipprobe history` per probe show the schedule), but the
	// ban-safety rules read them all: a refusal at any target counts.
	saved := res
	saved.Name = j.Name + "@" + t.String()
	a.save(saved)

	if q.Get("debug") == "true" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_ = results.WriteText(w, res, results.TextOptions{Trace: true, Lang: cfg.Lang})
		return
	}
	reg := onDemandRegistry(res)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// probeOnce runs j within budget (0: the probe's own timeout only). The
// probe is canceled, with a result, when the scrape goes away or the agent
// drains.
func (a *Agent) probeOnce(parent context.Context, j scenarios.Job, budget time.Duration) results.Result {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	stop := context.AfterFunc(a.probeCtx, func() { cancel(context.Canceled) })
	defer stop()
	if budget > 0 {
		var cancelT context.CancelFunc
		ctx, cancelT = context.WithTimeoutCause(ctx, budget, scenarios.ErrDeadline)
		defer cancelT()
		// The probe's own bounds end before the budget (budget.go), so a
		// silent server yields its diagnosis (no-response, nat-timeout),
		// not "canceled".
		j = fitBudget(j, budget)
	}
	return a.session.Probe(ctx, j)
}

// scrapeBudget reads X-Prometheus-Scrape-Timeout-Seconds: the probe must
// end before Prometheus gives up on the scrape.
func scrapeBudget(h string) (time.Duration, error) {
	if h == "" {
		return 0, nil
	}
	s, err := strconv.ParseFloat(h, 64)
	if err != nil || s <= 0 {
		return 0, fmt.Errorf("X-Prometheus-Scrape-Timeout-Seconds %q: want a positive number of seconds", h)
	}
	d := time.Duration(s * float64(time.Second))
	if d > 2*scrapeMargin {
		d -= scrapeMargin
	} else {
		d /= 2
	}
	return d, nil
}

// prepare sets what every agent probe has: the agent's User-Agent, and
// digest responses redacted whatever the entry says, since the results go
// out over HTTP.
func (a *Agent) prepare(j scenarios.Job) scenarios.Job {
	if j.Config.UserAgent == "" {
		j.Config.UserAgent = a.userAgent
	}
	j.Config.ShowSecrets = false
	return j
}

// refuse answers an error in plain text and counts it.
func (a *Agent) refuse(w http.ResponseWriter, code int, outcome string, err error) {
	a.metrics.onDemand.WithLabelValues(outcome).Inc()
	http.Error(w, results.Safe(err.Error()), code)
}
