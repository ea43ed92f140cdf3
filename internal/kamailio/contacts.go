package kamailio

import (
	"bufio"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Contact is one registered binding as usrloc holds it.
type Contact struct {
	Address   string        // the Contact URI
	Expires   time.Duration // time left; 0 for a permanent binding
	Q         string        // as Kamailio prints it, e.g. "1" or "0.5"
	CallID    string
	UserAgent string
	Received  string // source address seen behind NAT, "" if not set
}

// Contacts lists the bindings of user (the AoR without domain: usrloc runs
// with use_domain=0). It uses kamcmd over the ctl socket, so it sees the
// registrar's own view, independent of any SIP client under test.
func (s *Server) Contacts(t testing.TB, user string) []Contact {
	t.Helper()
	out, err := s.kamcmd("ul.lookup", "location", "s:"+user)
	if err != nil {
		// usrloc answers 404 "AOR not found" for an account without
		// bindings; that is an empty list, not an error.
		if strings.Contains(out, "404") || strings.Contains(out, "not found") {
			return nil
		}
		t.Fatalf("kamailio: ul.lookup %s: %v\n%s", user, err, out)
	}
	return parseContacts(out)
}

// AddContact pre-registers a binding for user, like a real phone that is
// already registered before a test starts. It uses kamcmd ul.add rather
// than a REGISTER so that it needs no credentials and cannot be affected by
// the auth options under test. expires is rounded to seconds.
func (s *Server) AddContact(t testing.TB, user, uri string, expires time.Duration) {
	t.Helper()
	// ul.add table aor contact expires q path flags cflags methods.
	// kamcmd types bare digits as integers; "s:" forces strings where
	// usrloc scans strings.
	out, err := s.kamcmd("ul.add", "location", "s:"+user, "s:"+uri,
		strconv.Itoa(int(expires.Seconds())), "1.0", "s:0", "0", "0", "0")
	if err != nil {
		t.Fatalf("kamailio: ul.add %s %s: %v\n%s", user, uri, err, out)
	}
}

// kamcmd runs one RPC command over the ctl socket.
func (s *Server) kamcmd(args ...string) (string, error) {
	cmd := exec.Command("kamcmd", append([]string{"-s", "unixs:" + s.files.ctl}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kamcmd %s: %w", args[0], err)
	}
	return string(out), nil
}

// parseContacts reads kamcmd's indented struct dump: a "Contact: {" line
// opens each binding and "Key: value" lines fill it.
func parseContacts(out string) []Contact {
	var list []Contact
	var cur *Contact
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "Contact: {" {
			list = append(list, Contact{})
			cur = &list[len(list)-1]
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if cur == nil || !ok {
			continue
		}
		if val == "[not set]" {
			val = ""
		}
		switch key {
		case "Address":
			cur.Address = val
		case "Expires":
			if n, err := strconv.Atoi(val); err == nil {
				cur.Expires = time.Duration(n) * time.Second
			}
		case "Q":
			cur.Q = val
		case "Call-ID":
			cur.CallID = val
		case "User-Agent":
			cur.UserAgent = val
		case "Received":
			cur.Received = val
		}
	}
	return list
}
