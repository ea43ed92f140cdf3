package results

import "time"

// ServerLogins is what a store of past results knows of one server's
// logins since a given time: the logins it refused (for any account, a
// negative test's deliberate wrong password included: the server's ban
// counter does not know it was deliberate) and its last SIP answer.
type ServerLogins struct {
	// Refused counts the results whose final response refused a login.
	Refused int
	// RefusedRecent counts those of Refused at or after the "recent" time
	// the caller gave (the start of the ban window).
	RefusedRecent int
	// LastRefused is when the newest of them started; zero when none.
	LastRefused time.Time
	// LastAnswer is when the newest result started in which the server
	// answered SIP (a final response, or any response) other than by
	// refusing a login; zero when none.
	LastAnswer time.Time
}
