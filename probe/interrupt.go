package probe

import (
	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// interrupted reports whether the caller ended the probe (Ctrl-C, SIGTERM,
// the caller's own deadline): parent carries those, not --timeout. Such a
// probe is UNKNOWN whatever it saw — it could not finish its check — and
// keeps what it saw (issue 8). The cleanup (BYE, CANCEL, unbind) runs on
// its own budget and has already happened when finish asks.
func (s *session) interrupted() bool {
	return s.parent != nil && s.parent.Err() != nil
}

// observedSoFar is the diagnosis the exchange had reached when it was
// interrupted: its final response and findings when one came; the last
// provisional response (ringing, session progress) when the probe was
// still waiting for the final; nil when nothing came back yet — silence
// cut short is no timeout.
func (s *session) observedSoFar(ex catalog.Exchange) *results.Observed {
	if ex.Outcome == catalog.OutcomeCanceled {
		if len(ex.Provisional) == 0 {
			return nil
		}
		last := ex.Provisional[len(ex.Provisional)-1]
		ex.Outcome, ex.Final = catalog.OutcomeResponse, &last
	}
	return results.ObservedOf(s.catalogue().Diagnose(ex, s.cfg.Lang))
}
