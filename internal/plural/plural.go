// Package plural words English counts in the messages sipprobe prints
// ("1 bad row", "2 bad rows"). Russian output has its own forms
// (results.ProbesCount); these messages are English only.
package plural

import "strconv"

// Count is n followed by one when n is 1, else by many.
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
