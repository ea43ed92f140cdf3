package agent

import (
	"fmt"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// The status page's own words. Status words, the "N probes" plural forms
// and the per-status counts come from results' message table, so the page
// and the terminal say the same thing; what only a web page needs lives
// here. Units are abbreviated in both languages, which also spares Russian
// the plural forms of "minute" and "day" ("3 мин назад", "за 30 дн.").
type pageWord struct{ en, ru string }

var pageWords = map[string]pageWord{
	"title":        {"sipprobe status", "Состояние sipprobe"},
	"updated":      {"Updated %s", "Обновлено %s"},
	"refresh":      {"refreshes every %d s", "обновляется каждые %d с"},
	"summary":      {"%s: %s", "%s: %s"},
	"no-probes":    {"No probes are scheduled.", "Нет запланированных проверок."},
	"unscheduled":  {"Entries without an interval run only on a scrape of /probe?module=NAME: %s.", "Проверки без параметра interval выполняются только по запросу /probe?module=ИМЯ: %s."},
	"th-status":    {"Status", "Статус"},
	"th-probe":     {"Probe", "Проверка"},
	"th-diagnosis": {"Diagnosis", "Диагноз"},
	"th-last":      {"Last result", "Последний результат"},
	"th-avail":     {"Availability", "Доступность"},
	"th-avail-win": {"Availability, %s", "Доступность за %s"},
	"th-chart":     {"Check time", "Время проверки"},
	"remedy":       {"What to do: %s", "Что делать: %s"},
	"last-failure": {"last failure in full", "последний сбой полностью"},
	"never":        {"not run yet", "ещё не запускалась"},
	"just-now":     {"just now", "только что"},
	"ago":          {"%s ago", "%s назад"},
	"no-data":      {"no data yet", "данных пока нет"},
	"no-answer":    {"no answer", "нет ответа"},
	"not-sent":     {"not sent: %s", "не отправлено: %s"},
	"cooldown":     {"not sent: cool-down until %s", "не отправлено: пауза после отказа до %s"},
	"nothing-sent": {"nothing sent: the credentials were refused", "ничего не отправлено: учётные данные отклонены"},
	"chart-label":  {"Check time of %s", "Время проверки %s"},
	"s":            {"%d s", "%d с"},
	"min":          {"%d min", "%d мин"},
	"h-min":        {"%d h %d min", "%d ч %d мин"},
	"h":            {"%d h", "%d ч"},
	"d":            {"%d d", "%d дн."},
	"ms":           {"%s ms", "%s мс"},
	"sec":          {"%s s", "%s с"},
	"pct":          {"%s%%", "%s %%"},
}

// word is the page word id in lang, formatted with args; the id itself when
// it is unknown (a test catches those).
func word(lang catalog.Lang, id string, args ...any) string {
	w, ok := pageWords[id]
	if !ok {
		return id
	}
	s := w.en
	if lang == catalog.RU {
		s = w.ru
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// number formats v with prec decimals, with the decimal comma in Russian.
func number(lang catalog.Lang, v float64, prec int) string {
	s := fmt.Sprintf("%.*f", prec, v)
	if lang == catalog.RU {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// span rounds a duration to what a person reads at a glance: "45 s",
// "12 min", "3 h 5 min", "9 d".
func span(lang catalog.Lang, d time.Duration) string {
	switch {
	case d < time.Minute:
		return word(lang, "s", int(d.Seconds()))
	case d < time.Hour:
		return word(lang, "min", int(d.Minutes()))
	case d < 48*time.Hour && d%time.Hour >= time.Minute:
		return word(lang, "h-min", int(d.Hours()), int(d.Minutes())%60)
	case d < 48*time.Hour:
		return word(lang, "h", int(d.Hours()))
	}
	return word(lang, "d", int(d.Hours()/24))
}

// age says how old a result is: "3 min ago"; "not run yet" for none. A
// result stamped after now (clock steps, a probe finishing while the page
// renders) and anything under ten seconds is "just now".
func age(lang catalog.Lang, now, at time.Time) string {
	if at.IsZero() {
		return word(lang, "never")
	}
	d := now.Sub(at)
	if d < 10*time.Second {
		return word(lang, "just-now")
	}
	return word(lang, "ago", span(lang, d))
}

// availability is "99.5%" ("99,5 %" in Russian); "—" when the window holds
// nothing to judge (history.Stats leaves AvailabilityPct nil then).
func availability(lang catalog.Lang, pct *float64) string {
	if pct == nil {
		return "—"
	}
	prec := 1
	if *pct == 100 || *pct == 0 {
		prec = 0
	}
	return word(lang, "pct", number(lang, *pct, prec))
}

// millis formats a check time as the text renderers do ("0.84 ms",
// "41.2 ms", "1.25 s"), localised.
func millis(lang catalog.Lang, ms float64) string {
	switch {
	case ms < 10:
		return word(lang, "ms", number(lang, ms, 2))
	case ms < 1000:
		return word(lang, "ms", number(lang, ms, 1))
	}
	return word(lang, "sec", number(lang, ms/1000, 2))
}

// summaryLine is "4 probes: 1 ok, 1 warning, 2 critical"; statuses with no
// probe are left out, except that an all-empty page still says "0 probes".
func summaryLine(lang catalog.Lang, rows []ProbeRow) string {
	counts := map[results.Status]int{}
	for _, r := range rows {
		counts[statusOf(r.Status)]++
	}
	var parts []string
	for _, s := range []results.Status{results.StatusOK, results.StatusWarning, results.StatusCritical, results.StatusUnknown} {
		if counts[s] > 0 {
			parts = append(parts, results.Msg(lang, "count-"+string(s), counts[s]))
		}
	}
	if len(parts) == 0 {
		return results.ProbesCount(lang, 0)
	}
	return word(lang, "summary", results.ProbesCount(lang, len(rows)), strings.Join(parts, ", "))
}
