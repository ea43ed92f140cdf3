package results

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sipprobe/sipprobe/catalog"
)

// The words of the text renderers (results, run table, history) in every
// language --lang offers. The catalogue holds the diagnoses; this holds the
// frame around them: headings, labels and the status words. Protocol tokens
// (methods, header names, codes, codecs, transports, addresses) stay as
// they are in every language. Formats take fmt verbs; a translation may
// reorder them with explicit indexes (%[2]s).
type message struct{ en, ru string }

// messages is read-only after initialisation.
var messages = map[string]message{
	// Status words. Nagios's status line and JSON keep the English tokens a
	// machine parses; text and the table are read by people.
	"status-ok":       {"OK", "ОК"},
	"status-warning":  {"WARNING", "ПРЕДУПРЕЖДЕНИЕ"},
	"status-critical": {"CRITICAL", "КРИТИЧНО"},
	"status-unknown":  {"UNKNOWN", "НЕИЗВЕСТНО"},
	"count-ok":        {"%d ok", "%d ок"},
	"count-warning":   {"%d warning", "%d с предупреждением"},
	"count-critical":  {"%d critical", "%d критично"},
	"count-unknown":   {"%d unknown", "%d неизвестно"},

	// The result report (WriteText).
	"from":              {" from %s", ", отправлено с %s"},
	"no-final":          {"no final response", "нет окончательного ответа"},
	"took":              {"  in %s", "  за %s"},
	"error":             {"Error: %s", "Ошибка: %s"},
	"diagnosis":         {"Diagnosis: %s — %s", "Диагноз: %s — %s"},
	"causes":            {"Likely causes", "Вероятные причины"},
	"remedies":          {"What to do", "Что делать"},
	"observed":          {"Observed", "Замечено"},
	"expect-met":        {"Expectation: met", "Ожидание: выполнено"},
	"expect-unmet":      {"Expectation not met", "Ожидание не выполнено"},
	"without-expect":    {"Without the expectation", "Без учёта ожидания"},
	"observed-so-far":   {"Observed so far", "Замечено до прерывания"},
	"responses":         {"Responses: %s", "Ответы: %s"},
	"timings":           {"Timings: resolve %s, connect %s, first response %s, total %s", "Время: разрешение имени %s, соединение %s, первый ответ %s, всего %s"},
	"server":            {"Server: %s", "Сервер: %s"},
	"nat-detected":      {"NAT: detected — we sent from %s, the server saw %s:%d", "NAT: обнаружен — мы отправили с %s, сервер увидел %s:%d"},
	"nat-none":          {"NAT: none — the server saw us at our own address %s", "NAT: нет — сервер увидел наш собственный адрес %s"},
	"mode-check":        {"Mode: credentials check (no Contact sent; bindings untouched)", "Режим: проверка учётных данных (без Contact; регистрации не затронуты)"},
	"mode-bind-skipped": {"Mode: bind skipped — the account has registered contacts that our binding could evict (--allow-evict binds anyway); bindings untouched", "Режим: регистрация пропущена — у учётной записи есть зарегистрированные контакты, которые наша регистрация могла бы вытеснить (--allow-evict регистрирует всё равно); регистрации не затронуты"},
	"mode-bind":         {"Mode: bind %s", "Режим: регистрация %s"},
	"bind-verified":     {", listed in 200 OK: %s", ", есть в 200 OK: %s"},
	"bind-removed":      {", removed afterwards: %s", ", удалена после проверки: %s"},
	"yes":               {"yes", "да"},
	"no":                {"no", "нет"},
	"contacts":          {"Registered contacts: %d", "Зарегистрированные контакты: %d"},
	"contact":           {"  - %s expires %ds%s", "  - %s, истекает через %d с%s"},
	"evicted":           {"Evicted by our binding: %s", "Вытеснено нашей регистрацией контактов: %s"},
	"evicted-restored":  {"restored with the same URI, expires %ds", "восстановлен с тем же URI, истекает через %d с"},
	"evicted-rewritten": {"not restored — the registrar stored it as %s (removed again: %s); the phone comes back at its next refresh, within %ds", "не восстановлен — регистратор сохранил его как %s (снова удалён: %s); телефон вернётся при следующем обновлении регистрации, не позже чем через %d с"},
	"evicted-lost":      {"not restored%s; the phone comes back at its next refresh, within %ds", "не восстановлен%s; телефон вернётся при следующем обновлении регистрации, не позже чем через %d с"},
	"fallback-answered": {"Fallback: %s to the same server answered %d %s in %s", "Запасная проверка: %s к тому же серверу — ответ %d %s за %s"},
	"fallback-silent":   {"Fallback: %s to the same server did not answer either (%s)", "Запасная проверка: %s к тому же серверу тоже без ответа (%s)"},
	"tls":               {"TLS: %s %s, server name %q, certificate %q issued by %q, valid until %s%s", "TLS: %s %s, имя сервера %q, сертификат %q выдан %q, действителен до %s%s"},
	"tls-earliest":      {"; earliest expiry in the chain %s (%.1f days)", "; ближайшее истечение в цепочке %s (%.1f дн.)"},
	"tls-verified":      {"; chain verified", "; цепочка проверена"},
	"tls-unverified":    {"; chain NOT verified", "; цепочка НЕ проверена"},
	"dns-lookups":       {"DNS lookups:", "DNS-запросы:"},

	// Test calls.
	"offered-codecs":        {"Offered codecs: %s", "Предложенные кодеки: %s"},
	"answered-codecs":       {"Answered codecs: %s (negotiated: %s)", "Кодеки в ответе: %s (согласован: %s)"},
	"media-answer":          {"Media answer: %s:%d", "Медиа в ответе: %s:%d"},
	"call-setup":            {"Call setup: first provisional %s, ringing %s, answer %s", "Установление вызова: первый предварительный ответ %s, посылка вызова %s, ответ %s"},
	"setup-time":            {" (setup %s)", " (установление %s)"},
	"one-way":               {"Media direction in the answer: %s (one-way audio)", "Направление медиа в ответе: %s (звук в одну сторону)"},
	"early-media":           {"Early media: yes (183 with SDP)", "Ранние медиа: да (183 с SDP)"},
	"ok-retransmitted":      {"200 OK retransmitted after our ACK: %d times", "200 OK повторён после нашего ACK: %d раз"},
	"in-dialog":             {"Requests from the far end during the call: %s", "Запросы другой стороны во время вызова: %s"},
	"held":                  {"Call held for %s", "Вызов длился %s"},
	"bye-answered":          {", our BYE answered %d", ", на наш BYE ответ %d"},
	"ack-reached":           {"ACK reached the server: %s", "ACK дошёл до сервера: %s"},
	"ended-by":              {"Call ended by: %s", "Вызов завершил: %s"},
	"ended-sipprobe-bye":    {"sipprobe-bye", "sipprobe (BYE)"},
	"ended-sipprobe-cancel": {"sipprobe-cancel", "sipprobe (CANCEL)"},
	"ended-final-response":  {"final-response", "окончательный ответ"},
	"ended-remote-bye":      {"remote-bye", "другая сторона (BYE)"},
	"rtp":                   {"RTP: sent %d, received %d packets", "RTP: отправлено пакетов %d, получено %d"},
	// The media block (invite --rtp, issue 12).
	"media-received":      {"Audio in: %d of %d packets, lost %d (%s), jitter %s", "Звук к нам: %d из %d пакетов, потеряно %d (%s), джиттер %s"},
	"media-dups":          {"  duplicates %d, reordered %d", "  дубликатов %d, не по порядку %d"},
	"media-received-none": {"Audio in: no RTP came", "Звук к нам: RTP не пришёл"},
	"media-sent":          {"Audio out: %d packets sent, far end reports lost %d (%s), jitter %s", "Звук от нас: отправлено пакетов %d, дальняя сторона сообщает: потеряно %d (%s), джиттер %s"},
	"media-sent-noreport": {"Audio out: %d packets sent, %s", "Звук от нас: отправлено пакетов %d, %s"},
	"media-no-rtcp":       {"no RTCP from the far end", "дальняя сторона не прислала RTCP"},
	"media-no-report":     {"the far end's RTCP does not mention our stream", "RTCP дальней стороны ничего не говорит о нашем потоке"},
	"media-no-rtcp-port":  {"no RTCP port of ours", "у нас не нашлось порта для RTCP"},
	"media-rtt-none":      {"not measured", "не измерен"},
	"media-stray":         {"Ignored: %d RTP packets from an address other than the far end's media (strict RTP)", "Отброшено: %d пакетов RTP с адреса, который не является медиаадресом дальней стороны (строгий RTP)"},
	"media-rtt":           {"Round trip: %s", "Круговая задержка: %s"},
	"media-mos":           {"MOS %.2f (R %.1f), an E-model estimate (ITU-T G.107) — RTT %s; %s Ie %g Bpl %g, loss %.1f%%, one-way delay %s", "MOS %.2f (R %.1f), оценка по E-модели (ITU-T G.107) — RTT %s; %s Ie %g Bpl %g, потери %.1f%%, задержка в одну сторону %s"},
	"sweep":               {"Codec sweep: accepted %s; rejected %s", "Перебор кодеков: приняты %s; отклонены %s"},
	"sweep-accepted":      {"accepted", "принят"},
	"sweep-rejected":      {"rejected", "отклонён"},
	"dtmf":                {"DTMF: sent %s, echoed %s", "DTMF: отправлено %s, вернулось %s"},
	"dtmf-median":         {" (median %s)", " (медиана %s)"},
	"dtmf-missing":        {", missing %s", ", не вернулись %s"},
	"dtmf-none":           {"none", "ничего"},
	"dtmf-not-negotiated": {"DTMF: telephone-event not negotiated: no digits sent", "DTMF: telephone-event не согласован, цифры не отправлялись"},
	"sweep-counts":        {"Results by diagnosis:", "Итог по диагнозам:"},
	"sweep-more":          {"… %d more failures not shown (--max-rows %d); every result is in the JSON Lines and the history.", "… ещё %d неудачных проверок не показаны (--max-rows %d); все результаты есть в JSON Lines и в истории."},
	"srtp-on":             {"SRTP: %s (SDES)", "SRTP: %s (SDES)"},
	"srtp-off":            {"SRTP: unencrypted", "SRTP: без шифрования"},

	// The run table (Table).
	"col-name":      {"NAME", "ИМЯ"},
	"col-target":    {"TARGET", "ЦЕЛЬ"},
	"col-transport": {"TRANSPORT", "ТРАНСПОРТ"},
	"col-status":    {"STATUS", "СТАТУС"},
	"col-code":      {"CODE", "КОД"},
	"col-diagnosis": {"DIAGNOSIS", "ДИАГНОЗ"},
	"col-time":      {"TIME", "ВРЕМЯ"},
	"probes-1":      {"%d probe", "%d проверка"},  // 1, 21, 31…
	"probes-2":      {"%d probes", "%d проверки"}, // 2–4, 22–24…
	"probes-5":      {"%d probes", "%d проверок"}, // 0, 5–20, 25…
	"in-elapsed":    {" in %s", " за %s"},

	// The history (results/history).
	"col-since":    {"SINCE", "С"},
	"col-results":  {"RESULTS", "РЕЗУЛЬТАТЫ"},
	"col-avail":    {"AVAIL", "ДОСТУПН."},
	"col-last":     {"LAST DIAGNOSIS", "ПОСЛЕДНИЙ ДИАГНОЗ"},
	"h-status":     {"Status:       %s since %s, last run %s", "Статус:       %s с %s, последний запуск %s"},
	"h-avail":      {"Availability: %s (%d of %d results ok or warning%s) over the last %s", "Доступность:  %s (%d из %d результатов ок или с предупреждением%s) за последние %s"},
	"h-avail-none": {"Availability: - (no result to judge in the last %s%s)", "Доступность:  - (за последние %s нет результатов для оценки%s)"},
	"h-total":      {"Time:         p50 %s, p95 %s (answered results; a test call's is its setup)", "Время:        p50 %s, p95 %s (результаты с ответом; у тестового звонка — время установления)"},
	"h-recent":     {"Recent:", "Последние:"},
	"h-first":      {"%s (first)", "%s (первый)"},
	"h-ago":        {"%s ago", "%s назад"},
	"h-just-now":   {"just now", "только что"},
	"h-none":       {"No results since %s in %s.", "Нет результатов с %s в %s."},
	"unit-s":       {"%ds", "%d с"},
	"unit-m":       {"%dm", "%d мин"},
	"unit-hm":      {"%dh%02dm", "%d ч %02d мин"},
	"unit-h":       {"%dh", "%d ч"},
	"unit-d":       {"%dd", "%d дн."},

	// receive (results/receive.go).
	"recv-trigger":           {"Trigger call: %s -> %s, ended with %s", "Пробный вызов: %s -> %s, завершился: %s"},
	"recv-contact":           {"Contact: %s, registered as %s (rewritten by the PBX: %s)", "Контакт: %s, зарегистрирован как %s (АТС переписала: %s)"},
	"recv-no-invite":         {"INVITE reached us: no", "INVITE дошёл до нас: нет"},
	"recv-invite":            {"INVITE reached us after %s: %s (%s)", "INVITE дошёл до нас через %s: %s (%s)"},
	"recv-target-registered": {"the contact we registered", "контакт, который мы зарегистрировали"},
	"recv-target-rewritten":  {"the address the PBX saw", "адрес, который видела АТС"},
	"recv-target-other":      {"another contact", "другой контакт"},
	"recv-via":               {"  Via: %s", "  Via: %s"},
	"recv-rr":                {"  Record-Route: %s", "  Record-Route: %s"},
	"recv-codecs":            {"Codecs offered to us: %s", "Нам предложены кодеки: %s"},
	"recv-ack-bye":           {"ACK arrived: %s, BYE arrived: %s", "ACK пришёл: %s, BYE пришёл: %s"},

	// A result sipprobe did not send for ban safety (NotSent).
	"not-sent":          {"not sent", "не отправлено"},
	"not-sent-run":      {"not sent, refused earlier in this run", "не отправлено: учётные данные уже отклонены в этом запуске"},
	"not-sent-until":    {"not retried until %s, %s", "повтор не раньше %s, %s"},
	"not-sent-cooldown": {"cool-down", "пауза после отказа"},
	"not-sent-refused":  {"refused earlier", "отказ ранее"},

	// An expectation that decided an OK status (WriteText).
	"expect-held": {"Expected %s: the expectation holds", "Ожидалось %s: ожидание выполнено"},

	// What the availability leaves out in the history (history.Stats Unknown, NotSent).
	"h-uncounted":          {"; not counted: %s", "; не учтено: %s"},
	"h-uncounted-unknown":  {"%d unknown", "статус неизвестен — %d"},
	"h-uncounted-not-sent": {"%d not sent", "не отправлено — %d"},
}

// Msg is the message id in lang, formatted with args; English for a
// language it does not know, the id itself for an unknown id (a test
// catches those).
func Msg(lang catalog.Lang, id string, args ...any) string {
	m, ok := messages[id]
	if !ok {
		return id
	}
	s := m.en
	if lang == catalog.RU {
		s = m.ru
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// StatusWord is the status as a person reads it in lang (Nagios and JSON
// use the English tokens instead).
func StatusWord(lang catalog.Lang, s Status) string {
	if _, ok := messages["status-"+string(s)]; !ok {
		return strings.ToUpper(Safe(string(s)))
	}
	return Msg(lang, "status-"+string(s))
}

// statusWidth is the widest status word of lang, for table columns.
func statusWidth(lang catalog.Lang) int {
	w := 0
	for _, s := range []Status{StatusOK, StatusWarning, StatusCritical, StatusUnknown} {
		w = max(w, utf8.RuneCountInString(StatusWord(lang, s)))
	}
	return w
}

// Pad pads s with spaces to n characters (runes, not bytes: fmt's %-8s
// would misalign Cyrillic).
func Pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// PadLeft right-aligns s in n characters.
func PadLeft(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

// ProbesCount is "12 probes" in lang, with the Russian plural forms.
func ProbesCount(lang catalog.Lang, n int) string {
	form := "probes-5"
	switch {
	case lang != catalog.RU && n == 1:
		form = "probes-1"
	case lang != catalog.RU:
	case n%10 == 1 && n%100 != 11:
		form = "probes-1"
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		form = "probes-2"
	}
	return Msg(lang, form, n)
}
