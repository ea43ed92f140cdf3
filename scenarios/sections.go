package scenarios

import (
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// A section is the part of the document that feeds one table of the schema:
// [defaults] or one [[probe]] with its sub-tables. Each is decoded on its
// own so that a wrong type in one probe does not hide the problems of the
// next.
type section struct {
	isProbe bool
	index   int // probe number, 0-based
	header  int // line of the [[probe]] / [defaults] header; 0 if none
	// keys maps every dotted key relative to the section (and every
	// sub-table, [probe.expect] → "expect") to its line.
	keys map[string]keyInfo
	bad  map[string]bool // keys with a wrong type, already reported
}

// keyInfo is where a key is.
type keyInfo struct {
	line int
}

// lineOf returns the line of key, falling back to its parents and then to
// the section header, so every problem gets a place.
func (s *section) lineOf(key string) int {
	for k := key; k != ""; {
		if ki, ok := s.keys[k]; ok {
			return ki.line
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return s.header
}

func (s *section) has(key string) bool { _, ok := s.keys[key]; return ok }

// lines maps byte offsets to 1-based line numbers.
type lines []int // offsets of line starts

func newLines(data []byte) lines {
	ls := lines{0}
	for i, c := range data {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

func (ls lines) at(offset int) int {
	return sort.Search(len(ls), func(i int) bool { return ls[i] > offset })
}

// split walks the parsed document and groups its expressions into sections.
// Tables outside the schema become problems here; keys the schema does not
// know are left to decodeSection, which reports them at these positions.
// The document must already be known to parse.
func split(data []byte, file string) (defaults, serve *section, probes []*section, problems []Problem) {
	ls := newLines(data)
	defaults = &section{keys: map[string]keyInfo{}}
	serve = &section{keys: map[string]keyInfo{}}
	var (
		cur    *section // table receiving key-values; nil at the root or in an unknown table
		prefix []string // key of the current sub-table, relative to cur
		atRoot = true
	)
	p := unstable.Parser{}
	p.Reset(data)
	for p.NextExpression() {
		n := p.Expression()
		line := exprLine(n, ls)
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			atRoot = false
			cur, prefix = nil, nil
			key := keyParts(n.Key())
			name := strings.Join(key, ".")
			switch {
			case key[0] == "defaults" && n.Kind == unstable.Table:
				cur, prefix = defaults, key[1:]
				if defaults.header == 0 {
					defaults.header = line
				}
			case name == "serve" && n.Kind == unstable.Table:
				cur = serve
				if serve.header == 0 {
					serve.header = line
				}
			case name == "probe" && n.Kind == unstable.ArrayTable:
				cur = &section{isProbe: true, index: len(probes), header: line, keys: map[string]keyInfo{}}
				probes = append(probes, cur)
			case name == "probe":
				problems = append(problems, Problem{File: file, Line: line, Key: "probe", Msg: "write [[probe]] (double brackets: one entry of the list of probes), not [probe]"})
			case key[0] == "probe" && len(probes) > 0:
				cur, prefix = probes[len(probes)-1], key[1:]
			case key[0] == "probe":
				problems = append(problems, Problem{File: file, Line: line, Key: name, Msg: "sub-table comes before any [[probe]]"})
			default:
				problems = append(problems, Problem{File: file, Line: line, Key: name, Msg: "unknown table (want [defaults], [serve] or [[probe]])"})
			}
			if cur != nil && len(prefix) > 0 {
				cur.keys[strings.Join(prefix, ".")] = keyInfo{line: line}
			}
		case unstable.KeyValue:
			key := keyParts(n.Key())
			owner := cur
			kp := append(append([]string(nil), prefix...), key...)
			if atRoot {
				owner, kp = nil, key
				switch {
				case key[0] == "defaults" && len(key) > 1:
					owner, kp = defaults, key[1:]
				case key[0] == "serve" && len(key) > 1:
					owner, kp = serve, key[1:]
				case key[0] == "probe":
					problems = append(problems, Problem{File: file, Line: line, Key: "probe", Msg: "write each probe as a [[probe]] table"})
				default:
					problems = append(problems, Problem{File: file, Line: line, Key: strings.Join(key, "."), Msg: "unknown key (want [defaults] or [[probe]] tables)"})
				}
			}
			if owner != nil {
				index(owner.keys, strings.Join(kp, "."), n, ls)
			}
		}
	}
	return defaults, serve, probes, problems
}

// exprLine is the line an expression starts on.
func exprLine(n *unstable.Node, ls lines) int {
	if n.Kind == unstable.KeyValue {
		return ls.at(int(n.Raw.Offset))
	}
	it := n.Key()
	if it.Next() {
		return ls.at(int(it.Node().Raw.Offset))
	}
	return 0
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// index records the key of the key-value kv and, for an inline table, every
// key inside it.
func index(keys map[string]keyInfo, key string, kv *unstable.Node, ls lines) {
	v := kv.Value()
	keys[key] = keyInfo{line: ls.at(int(kv.Raw.Offset))}
	if v.Kind != unstable.InlineTable {
		return
	}
	it := v.Children()
	for it.Next() {
		sub := it.Node()
		if sub.Kind == unstable.KeyValue {
			index(keys, key+"."+strings.Join(keyParts(sub.Key()), "."), sub, ls)
		}
	}
}
