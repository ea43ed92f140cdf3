#!/usr/bin/env bash
# Installs the real peers the integration tests run against (Kamailio with
# TLS and WebSocket, kamcmd, SIPp, sipsak, dnsmasq, baresip for SRTP), the tools that build their test
# networks (iproute2's ip, iptables), promtool (Debian's prometheus
# package, for the examples/prometheus tests) and the browser the status
# page is checked in (chromium, run headless) on Debian/Ubuntu, and makes
# sure no packaged Kamailio or Prometheus service runs: the tests start
# their own instances on free loopback ports and must never talk to a
# system one on 5060, nor leave one listening on 9090.
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

have_websocket_module() {
	dpkg -L kamailio-websocket-modules 2>/dev/null | grep -q '/websocket\.so$'
}

missing=0
for bin in kamailio kamcmd sipp sipsak iptables dnsmasq ip chromium prometheus baresip; do
	if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ]; then
		echo "install-test-deps: $bin missing"
		missing=1
	fi
done
if ! have_tls_module; then
	echo "install-test-deps: kamailio TLS module missing"
	missing=1
fi

if ! have_websocket_module; then
	echo "install-test-deps: kamailio websocket module missing"
	missing=1
fi

if ! command -v promtool >/dev/null 2>&1; then
	echo "install-test-deps: promtool missing"
	missing=1
fi

if [ "$missing" -eq 1 ]; then
	"${sudo_cmd[@]}" apt-get update
	"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		kamailio kamailio-tls-modules kamailio-websocket-modules sip-tester sipsak iptables dnsmasq-base iproute2 prometheus chromium baresip-core
fi

# The packages may have started a kamailio with the default config on
# 5060 on every interface, and a prometheus on :9090. Stop them and keep
# them off.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	"${sudo_cmd[@]}" systemctl disable --now kamailio >/dev/null 2>&1 || true
	"${sudo_cmd[@]}" systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
# Without systemd (containers) the init scripts may still have started a
# daemon: kill exactly the one its pid file names.
for entry in kamailio:/run/kamailio/kamailio.pid kamailio:/var/run/kamailio/kamailio.pid \
	prometheus:/run/prometheus/prometheus.pid prometheus:/var/run/prometheus/prometheus.pid; do
	name="${entry%%:*}"
	pidfile="${entry#*:}"
	if [ -s "$pidfile" ]; then
		pid="$(cat "$pidfile")"
		if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$name"; then
			echo "install-test-deps: stopping packaged $name (pid $pid)"
			"${sudo_cmd[@]}" kill "$pid" || true
		fi
	fi
done

kamailio -v 2>&1 | sed -n 1p
sipp -v 2>/dev/null | grep -m1 -o 'SIPp v[^ ]*' || true
promtool --version 2>&1 | sed -n 1p || true
/usr/sbin/dnsmasq --version 2>/dev/null | sed -n 1p || true
baresip -h 2>&1 | sed -n 1p || true
chromium --version 2>/dev/null || true
