package agent

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/scenarios"
)

// syncBuffer is a log destination safe for the agent's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An entry without an interval is scheduled nowhere: the start-up log
// says so once per entry, and the empty status page says why it is empty.
func TestUnscheduledEntryIsNamed(t *testing.T) {
	var logs syncBuffer
	f := &fakeProber{}
	s := serve(t, `
[[probe]]
name = "forgot-interval"
kind = "options"
server = "pbx.example.com"

[[probe]]
name = "also-none"
kind = "options"
server = "pbx2.example.com"
`, WithRunnerOptions(scenarios.WithProber(f.run)), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	code, page := s.get(t, "/")
	if code != 200 {
		t.Fatalf("/: %d", code)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"log names the first entry", logs.String(), "reachable only through /probe?module=forgot-interval"},
		{"log names the second entry", logs.String(), "reachable only through /probe?module=also-none"},
		{"page says why it is empty", page, "No probes are scheduled. Entries without an interval run only on a scrape of /probe?module=NAME: forgot-interval, also-none."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.in, tc.want) {
				t.Errorf("lacks %q:\n%s", tc.want, tc.in)
			}
		})
	}
	if n := strings.Count(logs.String(), "not scheduled"); n != 2 {
		t.Errorf("%d warnings, want one per entry:\n%s", n, logs.String())
	}
	ru := render(t, Page{Lang: catalog.RU, Unscheduled: []string{"x<b>"}})
	if !strings.Contains(ru, "Проверки без параметра interval выполняются только по запросу /probe?module=ИМЯ: x&lt;b&gt;.") {
		t.Errorf("Russian empty page:\n%s", ru)
	}
}
