package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sipprobe/sipprobe/internal/editdist"
)

// decodeSection fills spec (a *connSpec or *probeSpec) from the section's
// table of the already parsed document. It checks the types itself rather
// than leaving them to the TOML decoder, which stops at the first mismatch
// and reports an inline table as a whole ("expect: want a table, got a
// table"). Here every key is checked; a mismatch names the key, the type
// wanted and the value found, the field keeps its "not set" value and the
// key is marked bad, so validation does not complain about it again.
func decodeSection(table map[string]any, spec any, s *section, file, where string) []Problem {
	d := &decoder{s: s, file: file, where: where}
	d.table(reflect.ValueOf(spec).Elem(), table, "")
	return d.problems
}

type decoder struct {
	s           *section
	file, where string
	problems    []Problem
}

func (d *decoder) add(key, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: d.s.lineOf(key), Where: d.where, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) table(dst reflect.Value, m map[string]any, prefix string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		idx, ok := fieldIndex(dst.Type(), k)
		switch {
		case ok:
			d.value(dst.FieldByIndex(idx), m[k], key)
		case prefix == "" && !d.s.isProbe && probeOnly(k):
			d.add(key, "cannot be inherited: set it in each [[probe]]")
		default:
			d.add(key, "unknown key%s", suggest(key, d.s))
		}
	}
}

// probeOnly reports whether key is a [[probe]] key that [defaults] cannot
// give (name, kind, …).
func probeOnly(key string) bool {
	_, inProbe := fieldIndex(reflect.TypeFor[probeSpec](), key)
	_, inConn := fieldIndex(reflect.TypeFor[connSpec](), key)
	return inProbe && !inConn
}

// value stores v in f if the types agree, and reports a problem if not.
func (d *decoder) value(f reflect.Value, v any, key string) {
	t := f.Type()
	if t.Kind() == reflect.Pointer {
		e := reflect.New(t.Elem())
		if d.set(e.Elem(), v, key) {
			f.Set(e)
		}
		return
	}
	d.set(f, v, key)
}

func (d *decoder) set(f reflect.Value, v any, key string) bool {
	switch f.Kind() {
	case reflect.String:
		if s, ok := v.(string); ok {
			f.SetString(s)
			return true
		}
	case reflect.Int:
		if n, ok := v.(int64); ok {
			f.SetInt(n)
			return true
		}
	case reflect.Float64:
		switch n := v.(type) {
		case int64:
			f.SetFloat(float64(n))
			return true
		case float64:
			f.SetFloat(n)
			return true
		}
	case reflect.Bool:
		if b, ok := v.(bool); ok {
			f.SetBool(b)
			return true
		}
	case reflect.Slice:
		if arr, ok := v.([]any); ok {
			out := reflect.MakeSlice(f.Type(), 0, len(arr))
			for _, e := range arr {
				s, ok := e.(string)
				if !ok {
					d.wrongType(key, f.Type(), e, " in the array")
					return false
				}
				out = reflect.Append(out, reflect.ValueOf(s))
			}
			f.Set(out)
			return true
		}
	case reflect.Struct:
		if m, ok := v.(map[string]any); ok {
			d.table(f, m, key)
			return true
		}
	}
	d.wrongType(key, f.Type(), v, "")
	return false
}

// wrongType reports "key: want W, got V" and marks the key bad.
func (d *decoder) wrongType(key string, want reflect.Type, got any, where string) {
	if d.s.bad == nil {
		d.s.bad = map[string]bool{}
	}
	d.s.bad[key] = true
	w := describe(want)
	if isDuration(key) {
		w = `a duration string like "5s"`
	}
	d.add(key, "want %s, got %s%s", w, describeValue(got, isSecret(key)), where)
}

// isSecret reports whether the value of key must not be shown, not even
// in an error message.
func isSecret(key string) bool { return key == "password" }

// describeValue names the type of a decoded TOML value and, unless secret,
// shows it: "the string \"200\"". %q escapes control characters, so a
// hostile file cannot drive the terminal through an error message.
func describeValue(v any, secret bool) string {
	var kind, shown string
	switch x := v.(type) {
	case string:
		kind, shown = "a string", fmt.Sprintf("%q", x)
	case int64:
		kind, shown = "an integer", fmt.Sprint(x)
	case float64:
		kind, shown = "a number", fmt.Sprint(x)
	case bool:
		kind, shown = "a boolean", fmt.Sprint(x)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time, fmt.Stringer:
		return "a date/time"
	default:
		return fmt.Sprintf("a %T", v)
	}
	if secret {
		return kind
	}
	return "the " + strings.TrimPrefix(strings.TrimPrefix(kind, "an "), "a ") + " " + shown
}

// fieldIndex finds the field of struct type t whose toml tag is tag,
// looking into embedded structs.
func fieldIndex(t reflect.Type, tag string) ([]int, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return nil, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			if sub, ok := fieldIndex(f.Type, tag); ok {
				return append([]int{i}, sub...), true
			}
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name == tag {
			return []int{i}, true
		}
	}
	return nil, false
}

// schemaType finds the Go type of a dotted key in the schema.
func schemaType(isProbe bool, key string) reflect.Type {
	t := reflect.TypeFor[connSpec]()
	if isProbe {
		t = reflect.TypeFor[probeSpec]()
	}
	for _, part := range strings.Split(key, ".") {
		idx, ok := fieldIndex(t, part)
		if !ok {
			return nil
		}
		t = t.FieldByIndex(idx).Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return t
}

// isDuration reports whether key holds a duration string.
func isDuration(key string) bool {
	switch key {
	case "timeout", "interval", "hold", "ring_timeout", "wait":
		return true
	}
	return false
}

func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array of strings"
	case reflect.Struct:
		return "a table"
	}
	return t.String()
}

// suggest offers the known key closest to an unknown one ("pasword_env" →
// password_env), if one is close.
func suggest(key string, s *section) string {
	parent, last := "", key
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		parent, last = key[:i], key[i+1:]
	}
	t := reflect.TypeFor[connSpec]()
	if s.isProbe {
		t = reflect.TypeFor[probeSpec]()
	}
	if parent != "" {
		t = schemaType(s.isProbe, parent)
	}
	best, bestD := "", 3
	for _, name := range tagNames(t) {
		if d := editdist.Distance([]rune(last), []rune(name), bestD-1); d < bestD {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func tagNames(t reflect.Type) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			names = append(names, tagNames(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		names = append(names, name)
	}
	return names
}
