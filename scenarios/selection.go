package scenarios

import "strings"

// WithOnly loads the file for a run of the named probes alone (run
// --only), with the names File.Only takes ("reg" or one transport of a
// fan-out, "reg/udp"). Every entry is still decoded and checked, so a typo
// anywhere fails with its line; but the secrets — password_env,
// password_file, from_password_env, from_password_file, an accounts
// file's readability and header — are resolved only for the entries
// selected: a cron or CI job that runs one entry of a shared file has only
// that entry's secrets. The File then holds only the selection, and a name
// the file does not have is an error matching ErrUnknownProbe. Nil or
// empty names select every entry.
func WithOnly(names []string) LoadOption {
	return func(l *loader) {
		l.only = nil
		for _, n := range names {
			l.only = append(l.only, strings.TrimSpace(n))
		}
	}
}

// selects reports whether the --only names select the entry called name
// with these (already checked) transports, that is whether its secrets are
// resolved.
func (l *loader) selects(name string, transports []string) bool {
	if len(l.only) == 0 {
		return true
	}
	for _, n := range l.only {
		if n == name {
			return true
		}
		for _, t := range transports {
			if n == name+"/"+t {
				return true
			}
		}
	}
	return false
}
