package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/sipprobe/sipprobe/results"
)

// shutdownTimeout bounds the wait for HTTP requests once probes are drained.
const shutdownTimeout = 5 * time.Second

// Handler is the agent's HTTP interface.
func (a *Agent) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /probe", a.handleProbe)
	mux.HandleFunc("GET /probe/", a.handleLast)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "Healthy") })
	mux.HandleFunc("GET /-/ready", func(w http.ResponseWriter, _ *http.Request) {
		if !a.ready.Load() {
			http.Error(w, "Not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "Ready")
	})
	mux.HandleFunc("POST /-/reload", func(w http.ResponseWriter, _ *http.Request) {
		if !a.lifecycle {
			http.Error(w, "Lifecycle API is not enabled: start serve with --web.enable-lifecycle, or send SIGHUP", http.StatusForbidden)
			return
		}
		if err := a.Reload(); err != nil {
			http.Error(w, results.Safe(err.Error()), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "Reloaded")
	})
	mux.HandleFunc("GET /{$}", a.handleIndex)
	return mux
}

// handleLast is /probe/NAME/last: the last failure of a scheduled probe as
// text, with its message ladder, redacted like every output (names of
// fanned-out probes hold a slash: /probe/reg/udp/last).
func (a *Agent) handleLast(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/probe/"), "/last")
	if !ok || name == "" {
		http.NotFound(w, r)
		return
	}
	latest, failure, hasLatest, hasFailure := a.last.get(name)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case hasFailure:
		_ = results.WriteText(w, failure, results.TextOptions{Trace: true, Lang: a.Config().Lang})
	case hasLatest:
		fmt.Fprintf(w, "%s has not failed since the agent started; its latest result:\n\n", results.Safe(name))
		_ = results.WriteText(w, latest, results.TextOptions{Trace: true, Lang: a.Config().Lang})
	default:
		http.Error(w, fmt.Sprintf("no result of %s yet", results.Safe(name)), http.StatusNotFound)
	}
}

// Serve runs the agent on ln until ctx is done, then drains: scheduling
// stops, probes in flight are canceled and clean up, their results are
// saved, and the HTTP server closes. webConfig is the exporter-toolkit web
// configuration file (TLS, basic auth); "" serves plain HTTP. Serve
// returns nil after a drain, or the error that stopped the HTTP server.
func (a *Agent) Serve(ctx context.Context, ln net.Listener, webConfig string) error {
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second,
		// An idle keep-alive connection must not hold a descriptor forever.
		IdleTimeout: 2 * time.Minute, ReadTimeout: 30 * time.Second}
	a.start()
	pctx, stopPrune := context.WithCancel(context.Background())
	defer stopPrune()
	go a.pruneLoop(pctx, pruneEvery(a.Config().Retention))

	errc := make(chan error, 1)
	go func() {
		flags := &web.FlagConfig{WebListenAddresses: &[]string{ln.Addr().String()}, WebSystemdSocket: new(bool), WebConfigFile: &webConfig}
		errc <- web.Serve(ln, srv, flags, a.log)
	}()
	var serveErr error
	select {
	case <-ctx.Done():
		a.log.Info("draining: stopping the schedule, canceling probes in flight")
	case serveErr = <-errc:
		a.log.Error("http server stopped", "err", serveErr)
	}
	a.shutdown()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		a.log.Warn("http shutdown", "err", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	a.log.Info("stopped")
	return nil
}

// pruneEvery is how often old results are deleted: a 24th of the
// retention, between a minute and an hour.
func pruneEvery(retention time.Duration) time.Duration {
	return min(time.Hour, max(time.Minute, retention/24))
}
