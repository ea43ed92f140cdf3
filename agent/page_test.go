package agent

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
	"github.com/sipprobe/sipprobe/results/history"
)

// hostile is a diagnosis summary carrying what a server can put in a
// reason phrase: markup that would run, an event handler, and an ANSI
// escape that clears a terminal. The scripts mark <body> instead of
// calling alert(), which would block headless Chromium until its budget
// runs out instead of failing the test at once.
const hostile = "The server answered 403 <script>document.body.setAttribute('data-pwned','1')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"> \x1b[2J"

// testPage is a page with one probe of each status, the critical one
// carrying the hostile reason phrase.
func testPage(lang catalog.Lang) Page {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	pct := func(v float64) *float64 { return &v }
	samples := func(st results.Status, ms ...float64) []Sample {
		out := make([]Sample, len(ms))
		for i, m := range ms {
			s := st
			if m == 0 && st == results.StatusOK {
				s = results.StatusCritical
			}
			out[i] = Sample{At: now.Add(time.Duration(i-len(ms)) * 10 * time.Minute), Ms: m, Status: s}
		}
		return out
	}
	return Page{
		Lang:      lang,
		Generated: now,
		Window:    24 * time.Hour,
		Probes: []ProbeRow{
			{
				Name: "office-options", Kind: "options", Transport: "udp", Target: "sip:pbx.example.com:5060",
				Status: results.StatusOK, DiagnosisID: "ok", Summary: "The server answered 200 OK.",
				LastAt: now.Add(-3 * time.Minute), AvailabilityPct: pct(99.5),
				Samples: samples(results.StatusOK, 12, 14, 11, 0, 13, 15, 12, 30, 12, 11, 13, 12),
			},
			{
				Name: "trunk-call", Kind: "invite", Transport: "tcp", Target: "sip:trunk.example.net:5060",
				Status: results.StatusWarning, DiagnosisID: "slow-setup", Summary: "The call was set up, slowly.",
				FirstRemedy: "Check the trunk's latency.", LastAt: now.Add(-2*time.Hour - 5*time.Minute), AvailabilityPct: pct(100),
				Samples: samples(results.StatusWarning, 900, 1200, 1500, 1400, 1800),
			},
			{
				Name: "reception-120 <b>bold</b>", Kind: "register", Transport: "udp", Target: "sip:pbx.example.com",
				Status: results.StatusCritical, DiagnosisID: "wrong-password", Summary: hostile,
				FirstRemedy: "Check the password of 120.\x1b]0;owned\x07", LastAt: now.Add(-45 * time.Second), AvailabilityPct: pct(87.25),
				Samples: samples(results.StatusCritical, 3, 0, 4, 0), LastFailureURL: "/probe/reception-120/last",
			},
			{
				Name: "new-probe", Kind: "options", Transport: "tls", Target: "sips:edge.example.org",
			},
		},
	}
}

func render(t *testing.T, p Page) string {
	t.Helper()
	var b bytes.Buffer
	if err := WritePage(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPageEscapesServerText(t *testing.T) {
	p := testPage(catalog.EN)
	p.Probes[0].Summary = "<script>alert(1)</script> \x1b[2J"
	out := render(t, p)
	for _, bad := range []string{"<script", "<img", "<b>", "\x1b", "\x07"} {
		if strings.Contains(out, bad) {
			t.Errorf("page holds %q as markup or raw bytes", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; \\x1b[2J",
		"&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;1&#39;)&lt;/script&gt;",
		"&lt;img src=x onerror=&#34;document.body",
		`Check the password of 120.\x1b]0;owned\x07`,
		"reception-120 &lt;b&gt;bold&lt;/b&gt;",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks the visible text %q", want)
		}
	}
}

func TestPageRows(t *testing.T) {
	out := render(t, testPage(catalog.EN))
	rows := regexp.MustCompile(`<tr class="probe st-(\w+)" data-status="(\w+)" data-name="([^"]*)">`).FindAllStringSubmatch(out, -1)
	want := [][2]string{ // worst first, given order within a status
		{"critical", "reception-120 &lt;b&gt;bold&lt;/b&gt;"},
		{"unknown", "new-probe"},
		{"warning", "trunk-call"},
		{"ok", "office-options"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i, w := range want {
		if rows[i][1] != w[0] || rows[i][2] != w[0] || rows[i][3] != w[1] {
			t.Errorf("row %d = %q, want status %s name %s", i, rows[i][1:], w[0], w[1])
		}
	}
	for _, s := range []string{
		`<meta http-equiv="refresh" content="30">`,
		"4 probes: 1 ok, 1 warning, 1 critical, 1 unknown",
		"Availability, 24 h",
		`<a class="last-failure" href="/probe/reception-120/last">last failure in full</a>`,
		"What to do: Check the trunk&#39;s latency.",
		"not run yet", "no data yet", "3 min ago", "2 h 5 min ago", "45 s ago",
		"99.5%", "87.2%", "100%", "—",
		`<svg class="chart"`, `<circle class="pt st-critical"`, `<line class="miss st-critical"`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if n := strings.Count(out, "<svg"); n != 3 {
		t.Errorf("%d charts, want 3 (the probe not run yet has none)", n)
	}
}

func TestPageInRussian(t *testing.T) {
	out := render(t, testPage(catalog.RU))
	for _, s := range []string{
		`<html lang="ru">`,
		"4 проверки: 1 ок, 1 с предупреждением, 1 критично, 1 неизвестно",
		"Доступность за 24 ч", "Последний результат", "Время проверки",
		">КРИТИЧНО<", ">ПРЕДУПРЕЖДЕНИЕ<", ">ОК<", ">НЕИЗВЕСТНО<",
		"3 мин назад", "2 ч 5 мин назад", "45 с назад", "ещё не запускалась",
		"99,5 %", "87,2 %", "Что делать: Check the trunk", "последний сбой полностью",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func TestPageOptions(t *testing.T) {
	tests := []struct {
		name      string
		page      Page
		want, not []string
	}{
		{
			name: "no probes",
			page: Page{Lang: catalog.RU, Generated: time.Unix(0, 0)},
			want: []string{"0 проверок", "Нет запланированных проверок.", "Состояние sipprobe"},
			not:  []string{"<table"},
		},
		{
			name: "refresh off, own title, no window",
			page: Page{Title: "Office <PBX>", Refresh: -1, Probes: []ProbeRow{{Name: "a", Status: results.StatusOK}}},
			want: []string{"<title>Office &lt;PBX&gt;</title>", "<th>Availability</th>", "1 probe: 1 ok"},
			not:  []string{"http-equiv", "refreshes every"},
		},
		{
			name: "refresh period",
			page: Page{Refresh: 2 * time.Minute},
			want: []string{`content="120"`, "refreshes every 120 s"},
		},
		{
			name: "an unsafe link is neutralised",
			page: Page{Probes: []ProbeRow{{Name: "a", LastFailureURL: "javascript:alert(1)"}}},
			not:  []string{"javascript:"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.page)
			for _, s := range tc.want {
				if !strings.Contains(out, s) {
					t.Errorf("page lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(out, s) {
					t.Errorf("page holds %q", s)
				}
			}
		})
	}
}

func TestAge(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		ago    time.Duration
		zero   bool
		en, ru string
	}{
		{name: "never", zero: true, en: "not run yet", ru: "ещё не запускалась"},
		{name: "in the future", ago: -time.Minute, en: "just now", ru: "только что"},
		{name: "seconds", ago: 4 * time.Second, en: "just now", ru: "только что"},
		{name: "under a minute", ago: 45 * time.Second, en: "45 s ago", ru: "45 с назад"},
		{name: "minutes", ago: 3*time.Minute + 20*time.Second, en: "3 min ago", ru: "3 мин назад"},
		{name: "hours and minutes", ago: 2*time.Hour + 5*time.Minute, en: "2 h 5 min ago", ru: "2 ч 5 мин назад"},
		{name: "whole hours", ago: 5 * time.Hour, en: "5 h ago", ru: "5 ч назад"},
		{name: "days", ago: 75 * time.Hour, en: "3 d ago", ru: "3 дн. назад"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at := now.Add(-tc.ago)
			if tc.zero {
				at = time.Time{}
			}
			if got := age(catalog.EN, now, at); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
			if got := age(catalog.RU, now, at); got != tc.ru {
				t.Errorf("ru: %q, want %q", got, tc.ru)
			}
		})
	}
}

func TestAvailabilityText(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		in     *float64
		en, ru string
	}{
		{name: "nothing judged", en: "—", ru: "—"},
		{name: "all up", in: pct(100), en: "100%", ru: "100 %"},
		{name: "all down", in: pct(0), en: "0%", ru: "0 %"},
		{name: "fraction", in: pct(99.54), en: "99.5%", ru: "99,5 %"},
		{name: "just under all", in: pct(99.96), en: "100.0%", ru: "100,0 %"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := availability(catalog.EN, tc.in); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
			if got := availability(catalog.RU, tc.in); got != tc.ru {
				t.Errorf("ru: %q, want %q", got, tc.ru)
			}
		})
	}
}

func TestSpanAndMillis(t *testing.T) {
	tests := []struct {
		name   string
		got    func(catalog.Lang) string
		en, ru string
	}{
		{"window of a day", func(l catalog.Lang) string { return span(l, 24*time.Hour) }, "24 h", "24 ч"},
		{"window of 30 days", func(l catalog.Lang) string { return span(l, 30*24*time.Hour) }, "30 d", "30 дн."},
		{"sub-10 ms", func(l catalog.Lang) string { return millis(l, 0.84) }, "0.84 ms", "0,84 мс"},
		{"tens of ms", func(l catalog.Lang) string { return millis(l, 41.3) }, "41.3 ms", "41,3 мс"},
		{"seconds", func(l catalog.Lang) string { return millis(l, 1250) }, "1.25 s", "1,25 с"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got(catalog.EN); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
			if got := tc.got(catalog.RU); got != tc.ru {
				t.Errorf("ru: %q, want %q", got, tc.ru)
			}
		})
	}
}

func TestPageWordsComplete(t *testing.T) {
	latin, cyrillic := regexp.MustCompile(`[A-Za-z]`), regexp.MustCompile(`\p{Cyrillic}`)
	verbs := regexp.MustCompile(`%[a-z%]`)
	for id, w := range pageWords {
		if w.en == "" || w.ru == "" {
			t.Errorf("%s: missing a language", id)
		}
		if strings.Count(w.en, "%") != strings.Count(w.ru, "%") {
			t.Errorf("%s: the translations take different arguments: %q / %q", id, w.en, w.ru)
		}
		if latin.MatchString(verbs.ReplaceAllString(w.en, "")) && !cyrillic.MatchString(w.ru) {
			t.Errorf("%s: not translated: %q", id, w.ru)
		}
	}
}

func TestRowAndSamplesFromResults(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	r := results.Result{
		Name: "call", Probe: "invite", Target: "sip:pbx.example.com:5060", Transport: "udp",
		StartedAt: at, Status: results.StatusWarning, FinalCode: 200,
		Diagnosis: catalog.Diagnosis{ID: "slow-setup", Summary: "Slow.", Remedies: []string{"First.", "Second."}},
		Timings:   results.Timings{Total: 3400},
		Details:   &results.Details{Invite: &results.InviteDetails{SetupMs: 420}},
	}
	row := RowOf(r)
	want := ProbeRow{Name: "call", Kind: "invite", Transport: "udp", Target: "sip:pbx.example.com:5060",
		Status: results.StatusWarning, DiagnosisID: "slow-setup", Summary: "Slow.", FirstRemedy: "First.", LastAt: at}
	if row.Name != want.Name || row.Kind != want.Kind || row.Transport != want.Transport || row.Target != want.Target ||
		row.Status != want.Status || row.DiagnosisID != want.DiagnosisID || row.Summary != want.Summary ||
		row.FirstRemedy != want.FirstRemedy || !row.LastAt.Equal(want.LastAt) {
		t.Errorf("RowOf = %+v, want %+v", row, want)
	}
	if s := SampleOf(r); s.Ms != 420 || s.Status != results.StatusWarning || !s.At.Equal(at) {
		t.Errorf("SampleOf = %+v, want the setup time 420 ms", s)
	}
	r.FinalCode, r.Status = 0, results.StatusCritical
	if s := SampleOf(r); s.Ms != 0 {
		t.Errorf("SampleOf an unanswered result = %+v, want no time", s)
	}
	got := SamplesOf([]history.Entry{
		{StartedAt: at, Status: results.StatusOK, FinalCode: 200, TotalMs: 2012, CheckMs: 12},
		{StartedAt: at.Add(-time.Minute), Status: results.StatusCritical, TotalMs: 5000, CheckMs: 5000},
	})
	if len(got) != 2 || got[0].Ms != 12 || got[1].Ms != 0 || got[1].Status != results.StatusCritical {
		t.Errorf("SamplesOf = %+v", got)
	}
}
