package scenarios

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"iter"
	"os"
	"slices"
	"strings"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// sweepKinds are the kinds an accounts file may drive: the questions
// "can this account log in?" and "does the service answer it?".
func sweepKinds() []probe.Kind { return []probe.Kind{probe.KindRegister, probe.KindOptions} }

// accountsKey validates an entry's accounts key (the path is relative to
// the scenario file). The file itself is read when the run streams it: it
// may be a pipe, and a file of 100,000 rows is not read twice. A regular
// file's header is checked here already, so that --check and a bad header
// cost nothing sent; so is a path that names nothing readable. Both only
// when check is set (the entry is selected, WithOnly).
func (v *validator) accountsKey(ps probeSpec, s *section, where string, p *Probe, check bool) {
	if ps.Accounts == nil {
		return
	}
	switch {
	case *ps.Accounts == "":
		v.add(s, where, "accounts", "empty: name a CSV file of accounts")
		return
	case v.serve:
		v.add(s, where, "accounts", "an account sweep is for sipprobe run, not serve")
		return
	case !slices.Contains(sweepKinds(), p.Kind):
		v.add(s, where, "accounts", "not a setting of kind %s (only of register, options)", p.Kind)
		return
	case s.has("transports"):
		v.add(s, where, "accounts", "cannot go with transports: give a transport column in the accounts file instead")
		return
	case p.Repeat > 1:
		v.add(s, where, "accounts", "cannot go with repeat: a sweep probes each account once")
		return
	}
	p.Accounts = v.path(*ps.Accounts)
	p.lookupEnv = v.lookupEnv
	if !check {
		return
	}
	if err := CheckAccounts(p.Accounts); err != nil {
		v.add(s, where, "accounts", "%v", err)
	}
}

// CheckAccounts checks, before anything is sent, that an accounts file can
// be used: it exists and is no directory, and a regular file opens and has
// a good header. A pipe's header is left to the run, which reads it once. The error
// is an *AccountsError matching ErrAccountsFile.
func CheckAccounts(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return &AccountsError{File: path, Msg: "cannot read: " + unwrapPath(err).Error()}
	}
	switch {
	case fi.IsDir():
		return &AccountsError{File: path, Msg: "cannot read: is a directory"}
	case !fi.Mode().IsRegular():
		return nil
	}
	a, err := OpenAccounts(path)
	if err != nil {
		return err
	}
	if err := a.Close(); err != nil {
		return &AccountsError{File: path, Msg: "cannot read: " + unwrapPath(err).Error()}
	}
	return nil
}

// sweepUser stands in for the accounts' users when the entry's settings are
// checked, before any row is read.
const sweepUser = "sweep"

// Sweep reports whether the file has an entry with an accounts file.
func (f *File) Sweep() bool {
	for _, p := range f.Probes {
		if p.Accounts != "" {
			return true
		}
	}
	return false
}

// sweepJobs streams one job per row of the entry's accounts file. A row
// that cannot be used is passed to onBad (file:line and why) and skipped;
// a file that cannot be used at all is passed once and yields nothing.
//
// Duplicates (same user, auth_user, domain and server after the entry's
// settings apply) are bad rows: the second would resend credentials the
// first may have had refused. They are found through a 128-bit hash of
// each row's key, 16 bytes a row, so memory stays small at 100,000 rows
// (a collision, about 1 in 10^29 for that many, would report a false
// duplicate, never send twice).
func (p Probe) sweepJobs(onBad func(error)) iter.Seq[Job] {
	return func(yield func(Job) bool) {
		if onBad == nil {
			onBad = func(error) {}
		}
		a, err := OpenAccounts(p.Accounts)
		if err != nil {
			onBad(err)
			return
		}
		defer a.Close()
		seen := map[[16]byte]int{}
		for {
			acc, err := a.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if errors.Is(err, ErrBadRow) {
				onBad(err)
				continue
			}
			if err != nil {
				onBad(err)
				return
			}
			j, err := p.rowJob(acc)
			if err != nil {
				onBad(&AccountsError{File: p.Accounts, Line: acc.Line, Msg: err.Error(), row: true})
				continue
			}
			key := rowKey(j.Config)
			if first, dup := seen[key]; dup {
				onBad(&AccountsError{File: p.Accounts, Line: acc.Line, Msg: fmt.Sprintf("duplicate account %s (first on line %d): skipped, so that credentials go out once", j.Config.User, first), row: true})
				continue
			}
			seen[key] = acc.Line
			if !yield(j) {
				return
			}
		}
	}
}

// rowJob is the entry's job for one account. Empty columns take the
// entry's settings (from it or [defaults]); auth_user does not: one digest
// user for every account of a sweep is never what is meant, so an empty
// auth_user is the row's user.
func (p Probe) rowJob(a Account) (Job, error) {
	cfg := p.Config
	cfg.User, cfg.AuthUser = a.User, a.AuthUser
	if a.Domain != "" {
		cfg.Domain = a.Domain
	}
	if a.Server != "" {
		cfg.Target = a.Server
	}
	if a.Transport != "" {
		cfg.Transport = a.Transport
	}
	switch {
	case a.Password != "":
		// OpenAccounts let the column through only for a 0600 file.
		cfg.Password = a.Password
	case a.PasswordEnv != "":
		val, ok := p.lookupEnv(a.PasswordEnv)
		if !ok || val == "" {
			return Job{}, fmt.Errorf("password_env: environment variable %s is not set or empty", a.PasswordEnv)
		}
		cfg.Password = val
	}
	if err := cfg.Validate(p.Kind); err != nil {
		return Job{}, errors.New(flagsToKeys(strings.TrimPrefix(err.Error(), probe.ErrConfig.Error()+": ")))
	}
	name := a.User
	if p.Name != "" {
		name = p.Name + "/" + a.User
	}
	j := Job{Name: name, Kind: p.Kind, Config: cfg, Expect: p.Expect, Repeat: 1, Sweep: true}
	if p.Kind != probe.KindOptions && cfg.Password != "" {
		j.Account = AccountKey(cfg.Target, cfg.User)
	}
	return j, nil
}

// rowKey identifies an account for duplicate detection.
func rowKey(c probe.Config) [16]byte {
	h := fnv.New128a()
	for _, s := range []string{c.User, c.AuthUser, c.Domain, hostOf(c.Target)} {
		_, _ = io.WriteString(h, s)
		_, _ = h.Write([]byte{0})
	}
	var k [16]byte
	h.Sum(k[:0])
	return k
}

// JobsReporting is Jobs, with the bad rows of accounts files passed to
// onBad as they are met.
func (f *File) JobsReporting(onBad func(error)) iter.Seq[Job] {
	return func(yield func(Job) bool) {
		for _, p := range f.Probes {
			jobs := p.jobs()
			if p.Accounts != "" {
				jobs = p.sweepJobs(onBad)
			}
			for j := range jobs {
				if !yield(j) {
					return
				}
			}
		}
	}
}

// CommandSweep is the entry of `sipprobe register|options --accounts FILE`:
// cfg holds what every row inherits. Result names are the rows' users. An
// accounts file that cannot be used (CheckAccounts) is an error matching
// ErrAccountsFile.
func CommandSweep(kind probe.Kind, cfg probe.Config, expect results.Expectation, path string) (Probe, error) {
	if path == "" {
		return Probe{}, errors.New("--accounts: empty file name")
	}
	vcfg := cfg
	vcfg.User = sweepUser
	if err := vcfg.Validate(kind); err != nil {
		return Probe{}, err
	}
	// A file that cannot be used is one error before anything runs, not
	// a "bad row" after an empty run (ErrAccountsFile).
	if err := CheckAccounts(path); err != nil {
		return Probe{}, err
	}
	return Probe{Kind: kind, Config: cfg, Expect: expect, Repeat: 1, Accounts: path, lookupEnv: os.LookupEnv}, nil
}

// CountRows is Count with the rows of accounts files counted as a run
// would: it reads every accounts file that is a regular file through
// (nothing is sent) and counts one result per good row; bad rows, and
// files that cannot be used, go to onBad as they are met. A pipe or a
// device (a FIFO, /dev/stdin) is not opened: opening it would wait for a
// writer and read the rows the run needs, so its rows are left to the
// run and its path is returned in unread. It is for `run --check`; a run
// counts the rows as they stream instead of reading a file twice.
func (f *File) CountRows(onBad func(error)) (n int, unread []string) {
	for _, p := range f.Probes {
		if p.Accounts != "" {
			if fi, err := os.Stat(p.Accounts); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
				unread = append(unread, p.Accounts)
				continue
			}
		}
		jobs := p.jobs()
		if p.Accounts != "" {
			jobs = p.sweepJobs(onBad)
		}
		for j := range jobs {
			n += j.Repeat
		}
	}
	return n, unread
}
