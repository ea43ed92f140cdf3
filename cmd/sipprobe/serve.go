package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/prometheus/exporter-toolkit/web"
	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/agent"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "run as an agent: scheduled probes, Prometheus /metrics and /probe, a status page",
		UsageText: "sipprobe serve --config agent.toml [--listen 127.0.0.1:9117] [--web.config.file FILE] [--web.enable-lifecycle] [--log.format text|json] [--db FILE]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "the agent's configuration: a scenario `FILE` (as for run) with a [serve] table", EnvVars: env("CONFIG")},
			&cli.StringFlag{Name: "listen", Usage: "HTTP listen `ADDR` (default: [serve] listen, then " + agent.DefaultListen + ")", EnvVars: env("LISTEN")},
			&cli.StringFlag{Name: "web.config.file", Usage: "exporter-toolkit web configuration `FILE`: TLS and basic auth for the HTTP side", EnvVars: env("WEB_CONFIG_FILE")},
			&cli.BoolFlag{Name: "web.enable-lifecycle", Usage: "allow POST /-/reload over HTTP (SIGHUP always reloads); protect it with --web.config.file basic auth", EnvVars: env("WEB_ENABLE_LIFECYCLE")},
			&cli.StringFlag{Name: "log.format", Usage: "log format: text or json (default: [serve] log_format, then text)", EnvVars: env("LOG_FORMAT")},
			historyDBFlag(),
		},
		Action: serveAction,
	}
}

func serveAction(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("serve: unexpected argument %q (the configuration goes in --config)", c.Args().First())
	}
	path := c.String("config")
	if path == "" {
		return usagef("serve: --config FILE is required")
	}
	webConfig := c.String("web.config.file")
	if err := web.Validate(webConfig); err != nil {
		return &exitError{code: 3, err: fmt.Errorf("--web.config.file %s: %w", webConfig, err)}
	}
	cfg, err := agent.LoadConfig(path)
	if err != nil {
		return loadError(path, err)
	}
	format := cfg.LogFormat
	if f := c.String("log.format"); f != "" {
		format = f
	}
	logger, err := newLogger(c.App.ErrWriter, format)
	if err != nil {
		return err
	}
	opts := []agent.Option{
		agent.WithLogger(logger),
		agent.WithUserAgent(readVersion().userAgent()),
		agent.WithListen(c.String("listen")),
		agent.WithHistoryPath(c.String("db")),
		agent.WithLifecycle(c.Bool("web.enable-lifecycle")),
	}
	a, err := agent.New(path, opts...)
	if err != nil {
		return loadError(path, err)
	}
	defer a.Close()
	listen := a.Config().Listen
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return &exitError{code: 3, err: fmt.Errorf("listen %s: %w", listen, err)}
	}
	// SIGHUP reloads the configuration; SIGTERM and SIGINT cancel
	// c.Context (main) and drain.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-hup:
				_ = a.Reload() // logged by the agent; the old configuration stays
			case <-done:
				return
			}
		}
	}()
	if err := a.Serve(c.Context, ln, webConfig); err != nil {
		return &exitError{code: 3, err: err}
	}
	return nil
}

// newLogger is the agent's structured logger on w (stderr, which systemd's
// journal and docker logs collect).
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usagef("--log.format %q: want text or json", format)
}
