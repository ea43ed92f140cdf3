package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/sipprobe/sipprobe/internal/testpeers"
)

func TestServeUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("[[probe]]\nname = \"x\"\nkind = \"options\"\nserver = \"pbx\"\nany_target = \"yes\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.toml")
	if err := os.WriteFile(good, []byte("[[probe]]\nname = \"x\"\nkind = \"options\"\nserver = \"pbx\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no config", []string{"serve"}, "--config FILE is required"},
		{"argument", []string{"serve", good}, "unexpected argument"},
		{"invalid config", []string{"serve", "--config", bad}, "bad.toml:5: probe \"x\": any_target: want true or false"},
		{"log format", []string{"serve", "--config", good, "--log.format", "xml"}, `--log.format "xml": want text or json`},
		{"web config", []string{"serve", "--config", good, "--web.config.file", filepath.Join(dir, "nope.yml")}, "--web.config.file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tc.args...)
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 3 and %q", code, stderr, tc.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// sipprobe serve with basic auth from an exporter-toolkit web config, JSON
// logs, and a drain on cancellation (what SIGTERM does) ending in exit 0.
func TestServeRunsAndDrains(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(cfg, []byte("[serve]\nretention = \"1d\"\n\n[[probe]]\nname = \"x\"\nkind = \"options\"\nserver = \"127.0.0.1:9\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	web := filepath.Join(dir, "web.yml")
	if err := os.WriteFile(web, []byte(fmt.Sprintf("basic_auth_users:\n  prom: %s\n", hash)), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", testpeers.FreePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sipprobe", "serve", "--config", cfg, "--listen", addr, "--web.config.file", web,
			"--log.format", "json", "--db", filepath.Join(dir, "h.db")}, &stdout, &stderr)
	}()
	get := func(user, pass string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/-/ready", nil)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(30 * time.Second)
	for get("prom", "s3cret") != http.StatusOK {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("not ready; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := get("", ""); code != http.StatusUnauthorized {
		t.Errorf("without credentials: %d, want 401", code)
	}
	if code := get("prom", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", code)
	}
	// SIGHUP with a broken file: refused, the old configuration stays,
	// sipprobe_config_last_reload_successful drops to 0.
	if err := os.WriteFile(cfg, []byte("[[probe]]\nname = \"x\"\nkind = \"nope\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(metrics(t, addr), "sipprobe_config_last_reload_successful 0") {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP with a broken file did not show; stderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(stderr.String(), "reload refused, keeping the configuration in force") {
		t.Errorf("refused reload not logged:\n%s", stderr.String())
	}
	if code := get("prom", "s3cret"); code != http.StatusOK {
		t.Errorf("not ready after a refused reload: %d", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after the drain; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no JSON log of the stop:\n%s", stderr.String())
	}
}

// metrics is /metrics of the agent at addr, with the test's credentials.
func metrics(t *testing.T, addr string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	req.SetBasicAuth("prom", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
