package scenarios

import "strings"

// secretFile reads the secret of key (password_file, from_password_file):
// the first line of the file, without its line ending. A file whose first
// line is empty is refused, as --password-file is: an empty password would
// go out as one and be refused, or end as credentials-required, and the
// file is the mistake.
func (v *validator) secretFile(s *section, where, key, name string) string {
	path := v.path(name)
	b, err := v.readFile(path)
	if err != nil {
		v.add(s, where, key, "cannot read %s: %v", path, unwrapPath(err))
		return ""
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if line = strings.TrimRight(line, "\r"); line == "" {
		v.add(s, where, key, "%s: the first line is empty", path)
	}
	return line
}
