package catalog

import (
	"io/fs"
	"testing"
)

// BenchmarkLoad is the full, checked Load of the JSON data that the tests
// and the generator use.
func BenchmarkLoad(b *testing.B) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Load(sub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDefault is the catalogue's share of a single check's start-up:
// a Catalog of the generated index (Default's work, without its once), and
// the first rendering of an entry, which decodes its text.
func BenchmarkDefault(b *testing.B) {
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			newCatalog(&generatedIndex)
		}
	})
	b.Run("first-lookup", func(b *testing.B) {
		for b.Loop() {
			if _, ok := newCatalog(&generatedIndex).Lookup("ok", RU); !ok {
				b.Fatal("no ok")
			}
		}
	})
}
