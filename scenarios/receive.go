package scenarios

import "github.com/sipprobe/sipprobe/probe"

// receive reads a receive probe's trigger settings. The trigger account's
// password comes from from_password_env or from_password_file, as the
// account's own may (a clear-text one has no key: one secret in a file is
// enough). It is read only when resolve is set (the entry is selected,
// WithOnly).
func (v *validator) receive(c connSpec, s *section, where string, resolve bool) probe.ReceiveConfig {
	rc := probe.ReceiveConfig{
		FromUser: deref(c.FromUser), FromAuthUser: deref(c.FromAuthUser),
		To: deref(c.To), RTP: deref(c.RTP), Wait: parseDuration(c.Wait),
	}
	switch {
	case c.FromPasswordEnv != nil && c.FromPasswordFile != nil:
		v.add(s, where, "from_password_env", "give from_password_env or from_password_file, not both")
	case !resolve:
	case c.FromPasswordEnv != nil:
		val, ok := v.lookupEnv(*c.FromPasswordEnv)
		switch {
		case !ok:
			v.add(s, where, "from_password_env", "environment variable %s is not set", *c.FromPasswordEnv)
		case val == "":
			v.add(s, where, "from_password_env", "environment variable %s is empty", *c.FromPasswordEnv)
		}
		rc.FromPassword = val
	case c.FromPasswordFile != nil:
		rc.FromPassword = v.secretFile(s, where, "from_password_file", *c.FromPasswordFile)
	}
	return rc
}
