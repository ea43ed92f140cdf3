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
					got, want := gen.render(gen.entryByID(e.ID), k, lang, vars{}), loaded.render(loaded.entryByID(e.ID), k, lang, vars{})
					if !reflect.DeepEqual(got, want) {
						t.Errorf("kind %s differs:\n got %+v\nwant %+v", k, got, want)
					}
				}
			})
		}
	}
	t.Run("notes", func(t *testing.T) {
		for _, n := range loaded.notes {
			for _, lang := range []Lang{EN, RU} {
				if got, want := gen.Note(n.key, lang, nil), loaded.Note(n.key, lang, nil); got != want || got == "" {
					t.Errorf("note %s/%s: got %q, want %q", n.key, lang, got, want)
				}
			}
		}
	})
	t.Run("index", func(t *testing.T) {
		if !reflect.DeepEqual(gen.index, loaded.index) {
			t.Error("the generated index differs from what Load builds: run go generate ./catalog")
		}
	})
}
