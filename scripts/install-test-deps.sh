#!/usr/bin/env bash
# Installs the real peers the integration tests run against (Kamailio with
# TLS, kamcmd, SIPp, sipsak, dnsmasq, Prometheus) and the tools that build their test
# networks (iproute2's ip, iptables) on Debian/Ubuntu, and makes sure no
# packaged Kamailio service runs: the tests start their own instances on
# free loopback ports and must never talk to a system one on 5060.
# Idempotent: does nothing but the service check when all is installed.
set -euo pipefail

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
	sudo_cmd=(sudo)
fi

have_tls_module() {
	# The module directory differs per architecture; ask the package.
	dpkg -L kamailio-tls-modules 2>/dev/null | grep -q '/tls\.so$'
}

missing=0
for bin in kamailio kamcmd sipp sipsak iptables dnsmasq ip prometheus; do
	if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ]; then
		echo "install-test-deps: $bin missing"
		missing=1
	fi
done
if ! have_tls_module; then
	echo "install-test-deps: kamailio TLS module missing"
	missing=1
fi

if [ "$missing" -eq 1 ]; then
	"${sudo_cmd[@]}" apt-get update
	"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		kamailio kamailio-tls-modules sip-tester sipsak iptables dnsmasq-base iproute2 prometheus
fi

# The package may have started a kamailio with the default config on
# 5060 on every interface. Stop it and keep it off.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	"${sudo_cmd[@]}" systemctl disable --now kamailio >/dev/null 2>&1 || true
	# Likewise the packaged Prometheus on :9090 (and its node exporter):
	# the agent tests start their own on a free loopback port.
	"${sudo_cmd[@]}" systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
# Without systemd (containers) the init script may still have started a
# daemon: kill exactly the one its pid file names.
for pidfile in /run/kamailio/kamailio.pid /var/run/kamailio/kamailio.pid; do
	if [ -s "$pidfile" ]; then
		pid="$(cat "$pidfile")"
		if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q kamailio; then
			echo "install-test-deps: stopping packaged kamailio (pid $pid)"
			"${sudo_cmd[@]}" kill "$pid" || true
		fi
	fi
done

for pidfile in /run/prometheus/prometheus.pid /var/run/prometheus/prometheus.pid; do
	if [ -s "$pidfile" ]; then
		pid="$(cat "$pidfile")"
		if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q prometheus; then
			echo "install-test-deps: stopping packaged prometheus (pid $pid)"
			"${sudo_cmd[@]}" kill "$pid" || true
		fi
	fi
done

kamailio -v 2>&1 | sed -n 1p
prometheus --version 2>&1 | sed -n 1p || true
sipp -v 2>/dev/null | grep -m1 -o 'SIPp v[^ ]*' || true
/usr/sbin/dnsmasq --version 2>/dev/null | sed -n 1p || true
