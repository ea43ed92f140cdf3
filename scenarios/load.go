package scenarios

import (
	"bytes"
	"errors"
	"fmt"
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
}

// LoadOption tunes Load and Parse (tests inject the environment and files).
type LoadOption func(*loader)

type loader struct {
	lookupEnv func(string) (string, bool)
	readFile  func(string) ([]byte, error)
	catalog   *catalog.Catalog
	dir       string
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

// Load reads and validates a scenario file. Every problem is returned at
// once in a *ValidationError (errors.Is(err, ErrInvalid)); nothing is sent.
// Relative password_file paths are relative to the scenario file.
func Load(path string, opts ...LoadOption) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	opts = append([]LoadOption{func(l *loader) { l.dir = filepath.Dir(path) }}, opts...)
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
		return nil, &ValidationError{Problems: problems}
	}
	return f, nil
}

func (l *loader) parse(name string, data []byte, f *File) []Problem {
	// A syntax error makes the rest meaningless: report it alone. Decoding
	// into a generic map checks exactly the TOML grammar and its rules
	// (duplicate keys, redefined tables).
	var generic map[string]any
	if err := toml.NewDecoder(bytes.NewReader(data)).Decode(&generic); err != nil {
		return []Problem{syntaxProblem(name, err)}
	}
	defaults, probes, problems := split(data, name)
	if len(probes) == 0 {
		problems = append(problems, Problem{File: name, Msg: "no [[probe]] entries"})
	}
	ds, dp := decodeSection(data, defaults, name, "defaults")
	problems = append(problems, dp...)
	v := &validator{loader: l, file: name, names: map[string]int{}}
	base := v.conn(ds.Defaults, defaults, "defaults")
	for _, s := range probes {
		where := fmt.Sprintf("probe #%d", s.index+1)
		fs, pp := decodeSection(data, s, name, where)
		if len(fs.Probe) > 0 && fs.Probe[0].Name != "" {
			where = fmt.Sprintf("probe %q", fs.Probe[0].Name)
			for i := range pp {
				pp[i].Where = where
			}
		}
		problems = append(problems, pp...)
		if len(fs.Probe) == 0 {
			continue
		}
		ps := fs.Probe[0]
		if p, ok := v.probe(ps, s, base, where, len(pp) == 0); ok && len(pp) == 0 {
			f.Probes = append(f.Probes, p)
		}
	}
	problems = append(problems, v.problems...)
	return problems
}

func syntaxProblem(name string, err error) Problem {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		return Problem{File: name, Line: line, Msg: "TOML syntax: " + strings.TrimPrefix(de.Error(), "toml: ")}
	}
	return Problem{File: name, Msg: "TOML syntax: " + strings.TrimPrefix(err.Error(), "toml: ")}
}
