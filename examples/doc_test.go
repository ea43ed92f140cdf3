// Package examples holds no code: its tests check the deployment examples
// under this directory (Prometheus, Grafana, systemd, Docker) against the
// metric contract of `sipprobe serve` and with the tools that read them
// (promtool, systemd-analyze, the Go toolchain as the Dockerfile runs it).
package examples
