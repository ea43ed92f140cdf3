package agent

import (
	"bytes"
	"context"
	"html"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// chromiumBudget bounds one headless Chromium run; a cold start on a busy
// two-core machine takes a few seconds.
const chromiumBudget = 90 * time.Second

// TestPageInChromium renders the status page in Debian's real Chromium,
// served over loopback, and checks what a person sees: the rows with their
// status, the hostile reason phrase shown as text with nothing of it run,
// and the status colours on the screen.
func TestPageInChromium(t *testing.T) {
	bin := testpeers.Require(t, "chromium")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := WritePage(w, testPage(catalog.EN)); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()

	t.Run("dom", func(t *testing.T) {
		dom := string(chromium(t, bin, "--dump-dom", srv.URL))
		rows := regexp.MustCompile(`<tr class="probe st-(\w+)" data-status="(\w+)" data-name="([^"]*)">`).FindAllStringSubmatch(dom, -1)
		want := [][2]string{
			{"critical", "reception-120 <b>bold</b>"},
			{"unknown", "new-probe"},
			{"warning", "trunk-call"},
			{"ok", "office-options"},
		}
		if len(rows) != len(want) {
			t.Fatalf("the browser shows %d probe rows, want %d:\n%s", len(rows), len(want), dom)
		}
		for i, w := range want {
			if rows[i][1] != w[0] || rows[i][2] != w[0] || html.UnescapeString(rows[i][3]) != w[1] {
				t.Errorf("row %d: %q, want status %s, name %q", i, rows[i][1:], w[0], w[1])
			}
		}
		// Nothing of the reason phrase became an element or ran: the page
		// itself has no script, so any <script> or <img> would be injected,
		// and the payloads would have set data-pwned on <body>.
		for _, bad := range []string{"<script", "<img", "data-pwned=", "<b>"} {
			if strings.Contains(dom, bad) {
				t.Errorf("the DOM holds %q: server text became markup", bad)
			}
		}
		for _, s := range []string{
			"&lt;script&gt;document.body.setAttribute('data-pwned','1')&lt;/script&gt;", // shown as text
			"&lt;img src=x onerror=\"document.body",                                     // shown as text
			`\x1b[2J`,                                                                   // the escape shown, not sent
			"4 probes: 1 ok, 1 warning, 1 critical, 1 unknown",
			`<span class="badge st-critical">CRITICAL</span>`,
			`<a class="last-failure" href="/probe/reception-120/last">`,
		} {
			if !strings.Contains(dom, s) {
				t.Errorf("the DOM lacks %q", s)
			}
		}
		if n := strings.Count(dom, "<svg"); n != 3 {
			t.Errorf("%d charts in the DOM, want 3", n)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(t.TempDir(), "page.png")
		chromium(t, bin, "--screenshot="+shot, "--window-size=1200,800", srv.URL)
		f, err := os.Open(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 800 {
			t.Errorf("screenshot is %v, want 1200x800", b)
		}
		// Each status badge is a solid block of its colour (≈ 90×22 px);
		// a few hundred pixels of each mean the colour is on screen.
		for name, c := range map[string][3]uint8{
			"ok":       {0x1a, 0x7f, 0x37},
			"warning":  {0xe3, 0xb3, 0x41},
			"critical": {0xcf, 0x22, 0x2e},
			"unknown":  {0x6e, 0x77, 0x81},
		} {
			if n := countColour(img, c); n < 300 {
				t.Errorf("%s colour #%02x%02x%02x: %d pixels on screen, want a badge's worth", name, c[0], c[1], c[2], n)
			}
		}
	})
}

// countColour counts the pixels within a small distance of c.
func countColour(img image.Image, c [3]uint8) int {
	near := func(a uint32, b uint8) bool {
		d := int(a>>8) - int(b)
		return d >= -6 && d <= 6
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
			}
		}
	}
	return n
}

// chromium runs headless Chromium with a fresh profile and returns its
// stdout. It runs in its own process group, which is killed when the
// budget runs out and after the browser exits, so no helper (zygote, GPU
// or network service) outlives the test.
func chromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chromiumBudget)
	defer cancel()
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(),
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--force-device-scale-factor=1",
	}, args...)
	cmd := exec.CommandContext(ctx, bin, all...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // ESRCH: the group is gone, fine
	}
	if err != nil {
		t.Fatalf("chromium %s: %v (context: %v)\nstderr:\n%s", strings.Join(args, " "), err, ctx.Err(), lastLines(stderr.String(), 30))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
