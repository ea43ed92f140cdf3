package probe

import (
	"log/slog"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// configureSIPGo sets sipgo's package globals, once, before any UserAgent
// exists (DESIGN.md §4). This is the only place in sipprobe that touches them.
// sipgo's default logger would print its internal errors (such as the garbage
// a hostile server sends) on stderr; the probe reports those itself.
// slog.DiscardHandler, not a text handler on io.Discard: sipgo derives a
// logger (With) per transaction and connection, which costs a sweep an
// allocation-heavy handler clone each time with the latter.
// The RFC 3261 timers keep their defaults: the probe's own deadline, not
// Timer B/F, bounds every exchange.
var configureSIPGo = sync.OnceFunc(func() {
	sip.SetDefaultLogger(slog.New(slog.DiscardHandler))
	sip.SIPDebug = false
})
