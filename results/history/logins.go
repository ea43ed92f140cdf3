package history

import (
	"context"
	"fmt"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/results"
)

// ServerLogins reports what the results since then say about the server of
// target (its host: fail2ban bans the client address on every port and
// transport): the logins it refused, how many of them at or after recent
// (the ban window), and its last SIP answer other than a refusal. The
// runner asks once per server per run.
//
// Results without a final response count as a refusal never (a timeout, a
// skipped probe) and as an answer only when some response came. The rows
// are matched on the target column, not the account, so that probes
// without a user (OPTIONS) count as answers; time bounds the scan to the
// window (results_time index), and the LIKE prefilter is made exact in Go
// by serverHost, as is the refusal predicate (catalog.RefusesLogin).
// Imported results (import.go) do not count: they were another machine's.
func (s *Store) ServerLogins(ctx context.Context, target string, since, recent time.Time) (results.ServerLogins, error) {
	var out results.ServerLogins
	host := serverHost(target)
	if host == "" {
		return out, nil
	}
	// The exchange's own diagnosis (observed, when an expectation or an
	// interruption decided the status) says whether a login was refused.
	// A negative test's refusal counts too: the server's ban counter does
	// not know it was deliberate.
	rows, err := s.db.QueryContext(ctx, `SELECT target, COALESCE(json_extract(result, '$.observed.id'), diagnosis) AS diag,
			final_code <> 0 AS final, COUNT(*), SUM(started_at >= ?), MAX(started_at)
		FROM results
		WHERE started_at >= ? AND target LIKE ? ESCAPE '\' AND run_id NOT LIKE 'import-%'
			AND (final_code <> 0 OR json_array_length(result, '$.responses') > 0)
		GROUP BY target, diag, final`,
		recent.UnixNano(), since.UnixNano(), "%"+likeEscape(host)+"%")
	if err != nil {
		return out, fmt.Errorf("logins at %s: %w", host, err)
	}
	defer rows.Close()
	for rows.Next() {
		var tgt, diag string
		var final bool
		var n, recentN int
		var last int64
		if err := rows.Scan(&tgt, &diag, &final, &n, &recentN, &last); err != nil {
			return out, fmt.Errorf("logins at %s: %w", host, err)
		}
		if serverHost(tgt) != host {
			continue
		}
		at := fromNanos(last)
		if final && catalog.RefusesLogin(diag) {
			out.Refused += n
			out.RefusedRecent += recentN
			if at.After(out.LastRefused) {
				out.LastRefused = at
			}
			continue
		}
		if at.After(out.LastAnswer) {
			out.LastAnswer = at
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("logins at %s: %w", host, err)
	}
	return out, nil
}
