package catalog

import (
	"io/fs"
	"reflect"
	"testing"
)

// TestDefaultMatchesLoad: the generated catalogue is the JSON data, to the
// byte of every rendering.
func TestDefaultMatchesLoad(t *testing.T) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	gen := Default()
	t.Run("entries", func(t *testing.T) {
		if got, want := gen.Entries(), loaded.Entries(); !reflect.DeepEqual(got, want) {
			t.Errorf("Entries differ:\n got %+v\nwant %+v", got, want)
		}
	})
	for _, e := range loaded.Entries() {
		for _, lang := range []Lang{EN, RU} {
			t.Run(e.ID+"/"+string(lang), func(t *testing.T) {
				got, gok := gen.Lookup(e.ID, lang)
				want, wok := loaded.Lookup(e.ID, lang)
				if !gok || !wok || !reflect.DeepEqual(got, want) {
					t.Errorf("Lookup differs:\n got %+v\nwant %+v", got, want)
				}
				for _, k := range e.Kinds {
					got, want := gen.render(gen.byID[e.ID], k, lang, vars{}), loaded.render(loaded.byID[e.ID], k, lang, vars{})
					if !reflect.DeepEqual(got, want) {
						t.Errorf("kind %s differs:\n got %+v\nwant %+v", k, got, want)
					}
				}
			})
		}
	}
	t.Run("index", func(t *testing.T) {
		for _, f := range []struct {
			name      string
			got, want any
		}{
			{"notes", gen.notes, loaded.notes},
			{"q850", gen.q850, loaded.q850},
			{"warnings", gen.warnings, loaded.warnings},
			{"tried", gen.tried, loaded.tried},
			{"standard reasons", gen.stdName, loaded.stdName},
			{"codes", idsOf(gen.byCode), idsOf(loaded.byCode)},
			{"classes", idsOf(gen.byClass), idsOf(loaded.byClass)},
			{"words", idsOf(gen.words), idsOf(loaded.words)},
			{"phrases", phrasesOf(gen.phrases), phrasesOf(loaded.phrases)},
		} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s differ:\n got %+v\nwant %+v", f.name, f.got, f.want)
			}
		}
	})
}

// idsOf makes an index comparable: the ids its keys select.
func idsOf[K comparable](m map[K]*entry) map[K]string {
	out := map[K]string{}
	for k, e := range m {
		out[k] = e.id
	}
	return out
}

func phrasesOf(ps []phrase) []any {
	var out []any
	for _, p := range ps {
		out = append(out, []any{p.code, p.norm, p.words, p.entry.id, p.specific})
	}
	return out
}
