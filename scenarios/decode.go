package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/sipprobe/sipprobe/internal/editdist"
)

// decodeSection decodes one section strictly. The document it decodes is
// the whole file with every line outside the section blanked, so the
// decoder's line numbers are the file's. After a wrong type the decoder
// stops; the offending expression is blanked and decoding resumes, so every
// wrong type and every unknown key of the section is reported.
func decodeSection(data []byte, s *section, file, where string) (fileSpec, []Problem) {
	doc := mask(data, s.exprs)
	var problems []Problem
	for range len(s.exprs) + 1 {
		var fs fileSpec
		err := toml.NewDecoder(bytes.NewReader(doc)).DisallowUnknownFields().Decode(&fs)
		var strict *toml.StrictMissingError
		var de *toml.DecodeError
		switch {
		case err == nil:
			return fs, problems
		case errors.As(err, &strict):
			for _, e := range strict.Errors {
				line, _ := e.Position()
				key := relKey(e.Key(), s)
				problems = append(problems, Problem{File: file, Line: line, Where: where, Key: key, Msg: "unknown key" + suggest(key, s)})
			}
			return fs, problems
		case errors.As(err, &de):
			line, _ := de.Position()
			key := relKey(de.Key(), s)
			if s.bad == nil {
				s.bad = map[string]bool{}
			}
			s.bad[key] = true
			problems = append(problems, Problem{File: file, Line: line, Where: where, Key: key, Msg: typeMessage(de, key, s)})
			if !blank(doc, s.exprs, line) {
				return fs, problems
			}
		default:
			problems = append(problems, Problem{File: file, Line: s.header, Where: where, Msg: err.Error()})
			return fs, problems
		}
	}
	return fileSpec{}, problems
}

// mask keeps the lines of exprs and blanks the rest, newlines kept.
func mask(data []byte, exprs []expr) []byte {
	keep := make(map[int]bool)
	for _, e := range exprs {
		for l := e.from; l < e.to; l++ {
			keep[l] = true
		}
	}
	out := make([]byte, len(data))
	line := 1
	for i, c := range data {
		switch {
		case c == '\n':
			out[i] = c
			line++
		case keep[line]:
			out[i] = c
		default:
			out[i] = ' '
		}
	}
	return out
}

// blank removes the expression containing line from doc. It reports false
// when the line belongs to a table header (blanking it would change the
// meaning of what follows) or to no expression.
func blank(doc []byte, exprs []expr, line int) bool {
	for _, e := range exprs {
		if line < e.from || line >= e.to {
			continue
		}
		if first := lineText(doc, e.from); strings.HasPrefix(strings.TrimSpace(first), "[") {
			return false
		}
		l := 1
		for i, c := range doc {
			if c == '\n' {
				l++
				continue
			}
			if l >= e.from && l < e.to {
				doc[i] = ' '
			}
		}
		return true
	}
	return false
}

func lineText(doc []byte, line int) string {
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(doc, '\n')
		if i < 0 {
			return ""
		}
		doc = doc[i+1:]
	}
	if i := bytes.IndexByte(doc, '\n'); i >= 0 {
		doc = doc[:i]
	}
	return string(doc)
}

// relKey turns the decoder's absolute key ([probe expect code]) into the
// key relative to the section (expect.code).
// Keys inside inline tables come without their parents; the section's index
// knows them.
func relKey(k toml.Key, s *section) string {
	if len(k) > 0 && (k[0] == "probe" || k[0] == "defaults") {
		k = k[1:]
	}
	key := strings.Join(k, ".")
	if _, ok := s.keys[key]; ok || key == "" {
		return key
	}
	for full := range s.keys {
		if strings.HasSuffix(full, "."+key) {
			return full
		}
	}
	return key
}

var typeErrRe = regexp.MustCompile(`^cannot decode TOML (\w[\w -]*?) into`)

// typeMessage says what the key wants and what it got, in the user's terms
// rather than the Go types of the schema.
func typeMessage(de *toml.DecodeError, key string, s *section) string {
	want := describe(schemaType(s.isProbe, key))
	if isDuration(key) {
		want = `a duration string like "5s"`
	}
	got := ""
	if ki, ok := s.keys[key]; ok {
		got = describeKind(ki.kind)
	} else if m := typeErrRe.FindStringSubmatch(strings.TrimPrefix(de.Error(), "toml: ")); m != nil {
		got = "a TOML " + m[1]
	}
	switch {
	case want != "" && got != "":
		return fmt.Sprintf("want %s, got %s", want, got)
	case want != "":
		return "want " + want
	}
	return strings.TrimPrefix(de.Error(), "toml: ")
}

// schemaType finds the Go type of a dotted key in the schema.
func schemaType(isProbe bool, key string) reflect.Type {
	t := reflect.TypeFor[connSpec]()
	if isProbe {
		t = reflect.TypeFor[probeSpec]()
	}
	for _, part := range strings.Split(key, ".") {
		f, ok := fieldByTag(t, part)
		if !ok {
			return nil
		}
		t = f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return t
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			if sf, ok := fieldByTag(f.Type, tag); ok {
				return sf, true
			}
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name == tag {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// isDuration reports whether key holds a duration string.
func isDuration(key string) bool {
	switch key {
	case "timeout", "interval", "hold", "ring_timeout":
		return true
	}
	return false
}

func describe(t reflect.Type) string {
	if t == nil {
		return ""
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
	return ""
}

func describeKind(k unstable.Kind) string {
	switch k {
	case unstable.String:
		return "a string"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.Bool:
		return "a boolean"
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "a table"
	case unstable.DateTime, unstable.LocalDateTime, unstable.LocalDate, unstable.LocalTime:
		return "a date/time"
	}
	return ""
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
