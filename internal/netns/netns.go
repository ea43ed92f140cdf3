// Package netns builds throwaway network topologies out of Linux network
// namespaces and veth pairs, so tests can put a real NAT, firewall or
// unreachable host between sipprobe and a real SIP server without sending
// a packet outside the namespaces they created. It needs root (CAP_SYS_ADMIN
// and CAP_NET_ADMIN) and iproute2's ip; iptables for firewall rules.
package netns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// prefix starts every namespace name we create; the pid after it lets a
// later run delete what a killed run left behind.
const prefix = "sipprobe-"

// ErrNotRoot is why a lab cannot be built by an unprivileged user.
var ErrNotRoot = errors.New("netns: network namespaces need root")

// Lab is a set of namespaces made for one test and deleted in its cleanup.
type Lab struct {
	t    testing.TB
	base string // prefix + pid + random, unique per Lab
}

// NS is one network namespace of a Lab.
type NS struct {
	// Name is the namespace name as `ip netns` knows it.
	Name string
}

// New returns an empty lab. Without root or ip it skips the test, except
// under CI, where it fails it: the NAT and firewall tests must run there.
func New(t testing.TB) *Lab {
	t.Helper()
	testpeers.Require(t, "ip")
	if os.Geteuid() != 0 {
		if testpeers.InCI() {
			t.Fatal(ErrNotRoot)
		}
		t.Skip(ErrNotRoot)
	}
	removeStale()
	b := make([]byte, 3)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return &Lab{t: t, base: fmt.Sprintf("%s%d-%s-", prefix, os.Getpid(), hex.EncodeToString(b))}
}

// Namespace creates a namespace with its loopback up and deletes it when
// the test ends. Register it before starting processes in it, so that
// their cleanups (which run first) stop them before it goes.
func (l *Lab) Namespace(role string) NS {
	l.t.Helper()
	ns := NS{Name: l.base + role}
	l.ip("netns", "add", ns.Name)
	l.t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns.Name).CombinedOutput(); err != nil {
			l.t.Errorf("netns: delete %s: %v: %s", ns.Name, err, out)
		}
	})
	l.ip("-n", ns.Name, "link", "set", "lo", "up")
	return ns
}

// Link joins a and b with a veth pair: interface aIf with address aCIDR
// (e.g. "192.168.77.2/24") in a, bIf with bCIDR in b, both up.
func (l *Lab) Link(a NS, aIf, aCIDR string, b NS, bIf, bCIDR string) {
	l.t.Helper()
	// Created directly inside the namespaces, so the interface names only
	// need to be unique there, not on the host.
	l.ip("link", "add", aIf, "netns", a.Name, "type", "veth", "peer", "name", bIf, "netns", b.Name)
	for _, end := range []struct {
		ns       NS
		ifc, net string
	}{{a, aIf, aCIDR}, {b, bIf, bCIDR}} {
		l.ip("-n", end.ns.Name, "addr", "add", end.net, "dev", end.ifc)
		l.ip("-n", end.ns.Name, "link", "set", end.ifc, "up")
	}
}

// Run runs a command inside ns and fails the test if it fails.
func (l *Lab) Run(ns NS, name string, args ...string) string {
	l.t.Helper()
	out, err := ns.Command(name, args...).CombinedOutput()
	if err != nil {
		l.t.Fatalf("netns %s: %s %s: %v\n%s", ns.Name, name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (l *Lab) ip(args ...string) {
	l.t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		l.t.Fatalf("netns: ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Command returns a command that runs name inside ns.
func (ns NS) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

// Do runs f on an OS thread switched into ns. Sockets f creates stay in ns
// after it returns and can be used from any goroutine; goroutines f starts
// do not run in ns.
func (ns NS) Do(f func() error) error {
	runtime.LockOSThread()
	restored := false
	defer func() {
		// A thread we could not switch back must not run other
		// goroutines: staying locked makes the runtime end it.
		if restored {
			runtime.UnlockOSThread()
		}
	}()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		restored = true
		return fmt.Errorf("netns: %w", err)
	}
	defer orig.Close()
	target, err := os.Open("/run/netns/" + ns.Name)
	if err != nil {
		restored = true
		return fmt.Errorf("netns: %w", err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		restored = true
		return fmt.Errorf("netns: enter %s: %w", ns.Name, err)
	}
	ferr := f()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err == nil {
		restored = true
	}
	return ferr
}

// removeStale deletes namespaces left by test processes that were killed
// before their cleanup ran.
func removeStale() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || unix.Kill(pid, 0) == nil {
			continue
		}
		_ = exec.Command("ip", "netns", "del", name).Run() // best effort
	}
}
