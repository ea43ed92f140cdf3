package catalog

import (
	"encoding/json"
	"reflect"
	"testing"
)

// decodedText makes lazy texts comparable.
func decodedText(t *testing.T, l lazyText) text {
	t.Helper()
	if l.decode == nil {
		return text{}
	}
	v, err := l.decode()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// comparable turns a fileData's lazy texts into decoded ones.
func comparableData(t *testing.T, f fileData) any {
	t.Helper()
	type entryView struct {
		E      entryData
		EN, RU text
	}
	var es []entryView
	for _, e := range f.Entries {
		en, ru := decodedText(t, e.EN), decodedText(t, e.RU)
		e.EN, e.RU = lazyText{}, lazyText{}
		es = append(es, entryView{e, en, ru})
	}
	return []any{es, f.Q850, f.Warnings, f.Notes, f.Tried}
}

func TestFastDecodeMatches(t *testing.T) {
	files := embeddedFiles(t)
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			var fast fileData
			d := fastDecoder{b: file.Data}
			if err := d.value(reflect.ValueOf(&fast).Elem()); err != nil || !d.end() {
				t.Fatalf("the fast decoder gives up on %s (err %v): it falls back to encoding/json, slowly", name, err)
			}
			var std fileData
			if err := json.Unmarshal(file.Data, &std); err != nil {
				t.Fatal(err)
			}
			if got, want := comparableData(t, fast), comparableData(t, std); !reflect.DeepEqual(got, want) {
				t.Errorf("fast decode differs from encoding/json:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestFastDecodeFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     fileData
	}{
		{name: "escapes", in: `{"notes": {"a": {"en": "x\n\"y\" \u00e9 \ud83d\ude00", "ru": "я"}}}`,
			want: fileData{Notes: map[string]noteData{"a": {EN: "x\n\"y\" é 😀", RU: "я"}}}},
		{name: "case-folded keys", in: `{"Notes": {"a": {"EN": "x"}}}`,
			want: fileData{Notes: map[string]noteData{"a": {EN: "x"}}}},
		{name: "unknown keys", in: `{"other": [1, {"x": "]}"}], "notes": {}}`,
			want: fileData{Notes: map[string]noteData{}}},
		{name: "skipped strings with escaped quotes and backslashes", in: `{"other": ["a\\\"b\\\\", "\\\\"], "notes": {"a": {"en": "x"}}}`,
			want: fileData{Notes: map[string]noteData{"a": {EN: "x"}}}},
		{name: "a float is encoding/json's", in: `{"q850": [{"code": 1.5}]}`},
		{name: "lone surrogate is encoding/json's", in: `{"notes": {"a": {"en": "\ud83d"}}}`,
			want: fileData{Notes: map[string]noteData{"a": {EN: "\ufffd"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got fileData
			err := decodeData([]byte(tc.in), &got)
			var want fileData
			wantErr := json.Unmarshal([]byte(tc.in), &want)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("err %v, encoding/json says %v", err, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, encoding/json %+v", got, want)
			}
			if wantErr == nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
