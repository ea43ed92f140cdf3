package scenarios

import "github.com/sipprobe/sipprobe/internal/secretfile"

// secretFile reads the secret of key (password_file, from_password_file)
// as --password-file does (secretfile.FirstLine): a file whose first line
// is empty is a problem at key.
func (v *validator) secretFile(s *section, where, key, name string) string {
	path := v.path(name)
	b, err := v.readFile(path)
	if err != nil {
		v.add(s, where, key, "cannot read %s: %v", path, unwrapPath(err))
		return ""
	}
	line, err := secretfile.FirstLine(b)
	if err != nil {
		v.add(s, where, key, "%s: %v", path, err)
	}
	return line
}
