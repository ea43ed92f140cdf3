package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/sipprobe/sipprobe/catalog"
)

// File is a validated scenario file, ready to run.
type File struct {
	Path   string
	Name   string // file name without directory and extension: the JUnit suite
	Probes []Probe
	// Serve is the [serve] table (`sipprobe serve`; `run` ignores it).
	Serve Serve
}

// LoadOption tunes Load and Parse (tests inject the environment and files).
type LoadOption func(*loader)

type loader struct {
	lookupEnv func(string) (string, bool)
	readFile  func(string) ([]byte, error)
	catalog   *catalog.Catalog
	dir       string
	// mode is the scenario file's permission bits; a clear-text password
	// is accepted only when no one but the owner can read the file.
	mode      fs.FileMode
	modeKnown bool
	// serve: the file configures `sipprobe serve` (ForServe).
	serve bool
	// only: the --only names (WithOnly); empty selects every entry.
	only []string
}

// WithLookupEnv replaces os.LookupEnv for password_env.
func WithLookupEnv(f func(string) (string, bool)) LoadOption {
	return func(l *loader) { l.lookupEnv = f }
}

// WithReadFile replaces os.ReadFile for password_file.
func WithReadFile(f func(string) ([]byte, error)) LoadOption {
	return func(l *loader) { l.readFile = f }
}

// WithCatalog sets the catalogue that expect.diagnosis ids are checked against.
func WithCatalog(c *catalog.Catalog) LoadOption {
	return func(l *loader) { l.catalog = c }
}

// WithFileMode tells Parse the permission bits of the file the document
// came from (Load finds them itself). Without it a clear-text password is
// refused.
func WithFileMode(m fs.FileMode) LoadOption {
	return func(l *loader) { l.mode, l.modeKnown = m.Perm(), true }
}

// Load reads and validates a scenario file. Every problem is returned at
// once in a *ValidationError (errors.Is(err, ErrInvalid)); nothing is sent.
// Relative password_file paths are relative to the scenario file.
func Load(path string, opts ...LoadOption) (*File, error) {
	data, mode, err := readWithMode(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	opts = append([]LoadOption{func(l *loader) { l.dir = filepath.Dir(path) }, WithFileMode(mode)}, opts...)
	return Parse(path, data, opts...)
}

// Parse validates a scenario document; name is used in messages.
func Parse(name string, data []byte, opts ...LoadOption) (*File, error) {
	l := &loader{lookupEnv: os.LookupEnv, readFile: os.ReadFile, catalog: catalog.Default(), dir: "."}
	for _, o := range opts {
		o(l)
	}
	f := &File{Path: name, Name: strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))}
	problems := l.parse(name, data, f)
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &ValidationError{Problems: dedupe(problems)}
	}
	if len(l.only) > 0 {
		return f.Only(l.only)
	}
	return f, nil
}

// readWithMode reads the file and the mode of that same open file (not of
// whatever the path names a moment later).
func readWithMode(path string) ([]byte, fs.FileMode, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, 0, err
	}
	data, err := io.ReadAll(fh)
	return data, st.Mode(), err
}

func (l *loader) parse(name string, data []byte, f *File) []Problem {
	// A syntax error makes the rest meaningless: report it alone. Decoding
	// into a generic map checks exactly the TOML grammar and its rules
	// (duplicate keys, redefined tables).
	var generic map[string]any
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&generic); err != nil {
		return []Problem{syntaxProblem(name, err)}
	}
	defaults, serve, probes, problems := split(data, name)
	if len(probes) == 0 {
		problems = append(problems, Problem{File: name, Msg: "no [[probe]] entries"})
	}
	var ds connSpec
	dm, _ := generic["defaults"].(map[string]any)
	problems = append(problems, decodeSection(dm, &ds, defaults, name, "defaults")...)
	v := &validator{loader: l, file: name, names: map[string]int{}}
	sm, _ := generic["serve"].(map[string]any)
	f.Serve = v.serveTable(sm, serve)
	base := v.conn(ds, defaults, "defaults")
	tables := probeTables(generic["probe"])
	for _, s := range probes {
		if s.index >= len(tables) {
			continue
		}
		var ps probeSpec
		pp := decodeSection(tables[s.index], &ps, s, name, "")
		where := fmt.Sprintf("probe #%d", s.index+1)
		if ps.Name != "" {
			where = fmt.Sprintf("probe %q", ps.Name)
		}
		for i := range pp {
			pp[i].Where = where
		}
		problems = append(problems, pp...)
		if p, ok := v.probe(ps, s, base, where, len(pp) == 0); ok && len(pp) == 0 {
			f.Probes = append(f.Probes, p)
		}
	}
	return append(problems, v.problems...)
}

// probeTables is the decoded [[probe]] array, one table per entry.
func probeTables(v any) []map[string]any {
	var out []map[string]any
	switch a := v.(type) {
	case []map[string]any:
		return a
	case []any:
		for _, e := range a {
			m, _ := e.(map[string]any)
			out = append(out, m)
		}
	}
	return out
}

func syntaxProblem(name string, err error) Problem {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return Problem{File: name, Line: line, Msg: "TOML syntax: " + strings.TrimPrefix(de.Error(), "toml: ")}
	}
	return Problem{File: name, Msg: "TOML syntax: " + strings.TrimPrefix(err.Error(), "toml: ")}
}

// dedupe drops repeated problems: a bad inherited value is reported once,
// at its line in [defaults], not once per probe that inherits it.
func dedupe(problems []Problem) []Problem {
	seen := map[Problem]bool{}
	out := problems[:0]
	for _, p := range problems {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
