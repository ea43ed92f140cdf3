package scenarios

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/sipprobe/sipprobe/internal/plural"
	"github.com/sipprobe/sipprobe/results"
)

// An accounts file is CSV with a header: one probe per row, for the sweep
// after a migration or a password reset ("which of these 5,000 accounts can
// still log in?"). It is read row by row, never whole: a sweep of 100,000
// accounts holds one row at a time.

// Sentinel errors of accounts files; test with errors.Is.
var (
	// ErrAccountsFile marks an accounts file that cannot be read (on):
	// unreadable, a bad header, a password column in a file others can
	// read, or a read that fails partway (the message says after which
	// line; the rows before it were used).
	ErrAccountsFile = errors.New("unusable accounts file")
	// ErrBadRow marks one row that was skipped; the others go on.
	ErrBadRow = errors.New("bad accounts row")
)

// accountColumns are the columns an accounts file may have, in the order
// the README lists them. A function, not a variable: no package state.
func accountColumns() []string {
	return []string{"user", "password", "password_env", "auth_user", "domain", "server", "transport"}
}

const (
	colUser = iota
	colPassword
	colPasswordEnv
	colAuthUser
	colDomain
	colServer
	colTransport
	numColumns
)

// maxAccountLine bounds one line of an accounts file: a line longer than
// this is not an account, and csv.Reader would otherwise buffer all of it.
const maxAccountLine = 64 << 10

// Account is one row of an accounts file; empty fields come from the entry.
type Account struct {
	Line                                                             int
	User, Password, PasswordEnv, AuthUser, Domain, Server, Transport string
}

// AccountsError is a problem of an accounts file, or of one row of it
// (Line > 0 and errors.Is(err, ErrBadRow)).
type AccountsError struct {
	File string
	Line int
	Msg  string
	row  bool
}

func (e *AccountsError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Is makes errors.Is work with ErrBadRow and ErrAccountsFile.
func (e *AccountsError) Is(target error) bool {
	return (e.row && target == ErrBadRow) || (!e.row && target == ErrAccountsFile)
}

// AccountsReader streams the rows of an accounts file.
type AccountsReader struct {
	name  string
	c     io.Closer
	r     *csv.Reader
	cols  [numColumns]int // field index per column, -1 when absent
	width int
	last  int // line of the last row read
}

// OpenAccounts opens an accounts file and checks its header. A password
// column is accepted only when the file is mode 0600 or stricter (checked
// on the open file, not on whatever the path names a moment later): the
// rule of the scenario file, of .pgpass and .netrc.
func OpenAccounts(path string) (*AccountsReader, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &AccountsError{File: path, Msg: "cannot read: " + unwrapPath(err).Error()}
	}
	st, err := fh.Stat()
	if err != nil {
		_ = fh.Close()
		return nil, &AccountsError{File: path, Msg: "cannot read: " + unwrapPath(err).Error()}
	}
	a, err := NewAccountsReader(path, fh, st.Mode().Perm())
	if err != nil {
		_ = fh.Close()
		return nil, err
	}
	a.c = fh
	return a, nil
}

// NewAccountsReader reads an accounts file from r; mode is the file's
// permission bits (a password column needs no bits for group or others).
func NewAccountsReader(name string, r io.Reader, mode fs.FileMode) (*AccountsReader, error) {
	cr := csv.NewReader(&lineLimit{r: r, max: maxAccountLine})
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked here, to word the message
	a := &AccountsReader{name: name, r: cr}
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &AccountsError{File: name, Msg: "empty: want a header line such as user,password_env"}
	}
	if err != nil {
		return nil, &AccountsError{File: name, Msg: "header: " + csvMsg(err)}
	}
	for i := range a.cols {
		a.cols[i] = -1
	}
	known := accountColumns()
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		k := slices.Index(known, h)
		switch {
		case k < 0:
			return nil, &AccountsError{File: name, Line: 1, Msg: fmt.Sprintf("unknown column %q (column %d): want %s", results.Safe(h), i+1, strings.Join(known, ", "))}
		case a.cols[k] >= 0:
			return nil, &AccountsError{File: name, Line: 1, Msg: fmt.Sprintf("column %q given twice", h)}
		}
		a.cols[k] = i
	}
	a.width, a.last = len(head), 1
	if a.cols[colUser] < 0 {
		return nil, &AccountsError{File: name, Line: 1, Msg: "no user column: the header must name user"}
	}
	if a.cols[colPassword] >= 0 && mode&0o077 != 0 {
		return nil, &AccountsError{File: name, Msg: fmt.Sprintf("a password column in clear text needs the file to be mode 0600 (it is %04o; chmod 600 %s), or use a password_env column or the entry's password_env; no row was run", mode.Perm(), name)}
	}
	return a, nil
}

// Next returns the next row. At the end it returns io.EOF; a row that
// cannot be used is an error matching ErrBadRow, and reading may go on; any
// other error ends the file.
func (a *AccountsReader) Next() (Account, error) {
	rec, err := a.r.Read()
	if errors.Is(err, io.EOF) {
		return Account{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Account{}, a.bad(pe.StartLine, csvMsg(err))
	}
	if err != nil {
		// The rows before went on; say where reading stopped.
		return Account{}, &AccountsError{File: a.name, Msg: fmt.Sprintf("cannot read past line %d: %v", a.last, err)}
	}
	line, _ := a.r.FieldPos(0) // a record has at least one field
	a.last = line
	if len(rec) != a.width {
		return Account{}, a.bad(line, fmt.Sprintf("%s, the header has %d", plural.Count(len(rec), "field", "fields"), a.width))
	}
	acc := Account{Line: line}
	for k, dst := range []*string{&acc.User, &acc.Password, &acc.PasswordEnv, &acc.AuthUser, &acc.Domain, &acc.Server, &acc.Transport} {
		if i := a.cols[k]; i >= 0 {
			// A copy: ReuseRecord reuses the record's backing array.
			*dst = strings.Clone(strings.TrimSpace(rec[i]))
		}
	}
	switch {
	case acc.User == "":
		return Account{}, a.bad(line, "empty user")
	case strings.ContainsFunc(acc.User, isSpaceOrControl):
		return Account{}, a.bad(line, fmt.Sprintf("user %q contains a space or control character", results.Safe(acc.User)))
	case acc.Password != "" && acc.PasswordEnv != "":
		return Account{}, a.bad(line, "give either password or password_env, not both")
	}
	return acc, nil
}

// Close closes the file.
func (a *AccountsReader) Close() error {
	if a.c == nil {
		return nil
	}
	return a.c.Close()
}

func (a *AccountsReader) bad(line int, msg string) error {
	return &AccountsError{File: a.name, Line: line, Msg: msg, row: true}
}

// csvMsg is a csv error without the position the caller states itself.
func csvMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "CSV: " + pe.Err.Error()
	}
	return err.Error()
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// errLineTooLong ends a file whose line exceeds maxAccountLine.
var errLineTooLong = fmt.Errorf("a line longer than %d bytes: not an accounts file", maxAccountLine)

// lineLimit fails a read once a line grows past max bytes, so that a file
// without line breaks cannot make csv.Reader buffer all of it.
type lineLimit struct {
	r   io.Reader
	max int
	cur int
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			l.cur = 0
			continue
		}
		if l.cur++; l.cur > l.max {
			return 0, errLineTooLong
		}
	}
	return n, err
}
