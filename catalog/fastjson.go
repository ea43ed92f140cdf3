package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeData reads one data file into f. encoding/json runs a state
// machine per byte, twice (validation, then decoding); on the ~300 KB of
// wording that was ~6 ms of every check's start-up (issue 13). This
// decoder finds string ends with a byte search and hands the wording to
// lazyText undecoded. It knows the few kinds the data types use (structs
// with json tags, slices, string-keyed maps, strings, integers, booleans,
// json.Unmarshaler); anything else, or any doubt about the input, falls
// back to encoding/json, which also words the errors. It does not check
// what it skips (the wording, unknown keys): only Default uses it, on data
// that Load, with encoding/json, accepts in the package tests, and
// TestFastDecodeMatches holds it to encoding/json's result on that data.
func decodeData(b []byte, f *fileData) error {
	var fast fileData
	d := fastDecoder{b: b}
	if err := d.value(reflect.ValueOf(&fast).Elem()); err == nil && d.end() {
		*f = fast
		return nil
	}
	return json.Unmarshal(b, f)
}

// errFastJSON sends decodeData to encoding/json.
var errFastJSON = errors.New("catalog: not for the fast decoder")

type fastDecoder struct {
	b      []byte
	i      int
	fields map[reflect.Type]map[string]int
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) end() bool { d.ws(); return d.i == len(d.b) }

// peek returns the next non-space byte, 0 at the end.
func (d *fastDecoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *fastDecoder) expect(c byte) error {
	if d.peek() != c {
		return errFastJSON
	}
	d.i++
	return nil
}

func (d *fastDecoder) value(v reflect.Value) error {
	if d.peek() == 'n' { // null leaves v as it is, as in encoding/json
		return d.literal("null")
	}
	if v.CanAddr() {
		if l, ok := v.Addr().Interface().(*lazyText); ok {
			// The file's bytes are decodeData's caller's and never change:
			// the text keeps pointing into them instead of a copy.
			start := d.i
			if err := d.skip(); err != nil {
				return err
			}
			l.keep(d.b[start:d.i])
			return nil
		}
		if u, ok := v.Addr().Interface().(json.Unmarshaler); ok {
			start := d.i
			if err := d.skip(); err != nil {
				return err
			}
			return u.UnmarshalJSON(d.b[start:d.i])
		}
	}
	switch v.Kind() {
	case reflect.String:
		s, err := d.str()
		v.SetString(s)
		return err
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(d.number(), 10, 64)
		if err != nil || v.OverflowInt(n) {
			return errFastJSON
		}
		v.SetInt(n)
		return nil
	case reflect.Bool:
		if d.peek() == 't' {
			v.SetBool(true)
			return d.literal("true")
		}
		v.SetBool(false)
		return d.literal("false")
	case reflect.Slice:
		return d.slice(v)
	case reflect.Map:
		return d.mapValue(v)
	case reflect.Struct:
		return d.object(v)
	}
	return errFastJSON
}

func (d *fastDecoder) literal(word string) error {
	d.ws()
	if !strings.HasPrefix(string(d.b[d.i:min(len(d.b), d.i+len(word))]), word) {
		return errFastJSON
	}
	d.i += len(word)
	return nil
}

func (d *fastDecoder) number() string {
	d.ws()
	start := d.i
	for d.i < len(d.b) && (d.b[d.i] == '-' || d.b[d.i] >= '0' && d.b[d.i] <= '9') {
		d.i++
	}
	return string(d.b[start:d.i])
}

func (d *fastDecoder) slice(v reflect.Value) error {
	if err := d.expect('['); err != nil {
		return err
	}
	s := reflect.MakeSlice(v.Type(), 0, 4)
	if d.peek() == ']' {
		d.i++
		v.Set(s)
		return nil
	}
	for {
		s = reflect.Append(s, reflect.Zero(v.Type().Elem()))
		if err := d.value(s.Index(s.Len() - 1)); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			v.Set(s)
			return nil
		default:
			return errFastJSON
		}
	}
}

func (d *fastDecoder) mapValue(v reflect.Value) error {
	if v.Type().Key().Kind() != reflect.String {
		return errFastJSON
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	return d.members(func(key string) error {
		e := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(e); err != nil {
			return err
		}
		v.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), e)
		return nil
	})
}

func (d *fastDecoder) object(v reflect.Value) error {
	fields := d.jsonFields(v.Type())
	return d.members(func(key string) error {
		i, ok := fields[key]
		if !ok {
			for name, j := range fields { // encoding/json folds case too
				if strings.EqualFold(name, key) {
					i, ok = j, true
					break
				}
			}
		}
		if !ok {
			return d.skip()
		}
		return d.value(v.Field(i))
	})
}

// members walks an object's "key": value pairs; member reads the value.
func (d *fastDecoder) members(member func(key string) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		key, err := d.str()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := member(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return errFastJSON
		}
	}
}

// jsonFields maps a struct's JSON names to field indexes (exported
// fields, tag name or field name; "-" skipped), once per type and file.
func (d *fastDecoder) jsonFields(t reflect.Type) map[string]int {
	if m, ok := d.fields[t]; ok {
		return m
	}
	if d.fields == nil {
		d.fields = map[reflect.Type]map[string]int{}
	}
	m := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		m[name] = i
	}
	d.fields[t] = m
	return m
}

// str reads a string; the common case, no escapes, is one byte search.
func (d *fastDecoder) str() (string, error) {
	if err := d.expect('"'); err != nil {
		return "", err
	}
	start := d.i
	for d.i < len(d.b) {
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !utf8.Valid(s) {
				return "", errFastJSON
			}
			return string(s), nil
		case c == '\\':
			return d.escaped(start)
		case c < 0x20:
			return "", errFastJSON
		}
		d.i++
	}
	return "", errFastJSON
}

// escaped finishes a string with backslash escapes (RFC 8259 §7).
func (d *fastDecoder) escaped(start int) (string, error) {
	out := []byte(nil)
	out = append(out, d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return "", errFastJSON
			}
			return string(out), nil
		case c < 0x20:
			return "", errFastJSON
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", errFastJSON
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errFastJSON
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					d.i += 2
					if r2, ok = d.hex4(); !ok {
						return "", errFastJSON
					}
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return "", errFastJSON // encoding/json's exact handling decides
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errFastJSON
		}
	}
	return "", errFastJSON
}

func (d *fastDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 32)
	d.i += 4
	return rune(n), err == nil
}

// skip passes over one value of any kind.
func (d *fastDecoder) skip() error {
	switch d.peek() {
	case '"':
		return d.skipString()
	case '{', '[':
		depth := 0
		for d.i < len(d.b) {
			switch d.b[d.i] {
			case '"':
				if err := d.skipString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.i++
			if depth == 0 {
				return nil
			}
		}
		return errFastJSON
	case 0:
		return errFastJSON
	}
	start := d.i
	for d.i < len(d.b) && !strings.ContainsRune(",}] \t\r\n", rune(d.b[d.i])) {
		d.i++
	}
	if d.i == start {
		return errFastJSON
	}
	return nil
}

// skipString passes over a string, escapes included, without decoding it.
func (d *fastDecoder) skipString() error {
	d.i++ // the opening quote
	for {
		j := bytes.IndexByte(d.b[d.i:], '"')
		if j < 0 {
			return fmt.Errorf("%w: unterminated string", errFastJSON)
		}
		d.i += j + 1
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		k := d.i - 2
		for k >= 0 && d.b[k] == '\\' {
			k--
		}
		if (d.i-2-k)%2 == 0 {
			return nil
		}
	}
}
