package agent

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
	"github.com/sipprobe/sipprobe/scenarios"
)

// testEnv is the environment the configurations see.
func testEnv(name string) (string, bool) {
	if name == "PBX_PASSWORD" {
		return "secret", true
	}
	return "", false
}

// served is an agent running on a loopback port chosen by the system.
type served struct {
	*Agent
	url   string
	path  string // the configuration file
	store *history.Store
	stop  func() error // drains, like SIGTERM
}

// serve writes doc to a configuration file and runs an agent on it until
// the test ends.
func serve(t *testing.T, doc string, opts ...Option) *served {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := history.Open(filepath.Join(dir, "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]Option{WithStore(st), WithLoadOptions(scenarios.WithLookupEnv(testEnv)), WithSeed(1)}, opts...)
	a, err := New(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- a.Serve(ctx, ln, "") }()
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			serveErr = <-errc
			_ = st.Close()
		})
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	s := &served{Agent: a, url: "http://" + ln.Addr().String(), path: path, store: st, stop: stop}
	return s
}

// get fetches path and returns the status code and body.
func (s *served) get(t *testing.T, path string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metrics parses an exposition.
func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not valid exposition: %v\n%s", err, body)
	}
	return mfs
}

// series finds the value and labels of metric's series whose labels
// include want.
func series(mfs map[string]*dto.MetricFamily, metric string, want map[string]string) (float64, map[string]string, bool) {
	mf := mfs[metric]
	if mf == nil {
		return 0, nil, false
	}
next:
	for _, m := range mf.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), labels, true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), labels, true
		}
		return m.GetUntyped().GetValue(), labels, true
	}
	return 0, nil, false
}

// eventually polls cond until it holds or the test's patience ends.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fakeProber answers every probe with 200 OK and counts the probes.
type fakeProber struct {
	mu    sync.Mutex
	calls []probe.Config
	// block makes every probe wait for its context.
	block bool
}

func (f *fakeProber) run(ctx context.Context, kind probe.Kind, cfg probe.Config) results.Result {
	f.mu.Lock()
	f.calls = append(f.calls, cfg)
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return results.Result{Probe: string(kind), Target: "sip:" + cfg.Target, Transport: "udp", Status: results.StatusUnknown,
			Diagnosis: catalog.Diagnosis{ID: "canceled", Severity: catalog.SeverityUnknown}}
	}
	return results.Result{Probe: string(kind), Target: "sip:" + cfg.Target, Transport: "udp", Status: results.StatusOK, FinalCode: 200,
		Diagnosis: catalog.Diagnosis{ID: "ok", Severity: catalog.SeverityOK}, Timings: results.Timings{Total: 12.5},
		Messages: []results.Message{{Dir: "out", Raw: "OPTIONS sip:" + cfg.Target + " SIP/2.0\r\n\r\n"}}}
}

func (f *fakeProber) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}
