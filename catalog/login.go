package catalog

import "strings"

// RefusesLogin reports whether the diagnosis id means the server refused a
// login: the credentials, or the account itself. Unknown-user counts:
// fail2ban bans for failed logins to accounts that do not exist just the
// same. Ids that start with "wrong-password" cover the ambiguous Asterisk
// case (DESIGN.md §4). The runner and the history count refusals with it.
func RefusesLogin(id string) bool {
	return id == "unknown-user" || strings.HasPrefix(id, "wrong-password")
}
