package catalog

import (
	"io/fs"
	"testing"
)

// BenchmarkLoad is the catalogue's share of a single check's start-up
// (Default: fast decode, index only) next to the full, checked Load that
// the tests use.
func BenchmarkLoad(b *testing.B) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("default", func(b *testing.B) {
		for b.Loop() {
			d, err := readData(sub, true)
			if err == nil {
				_, err = build(d, false)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checked", func(b *testing.B) {
		for b.Loop() {
			if _, err := Load(sub); err != nil {
				b.Fatal(err)
			}
		}
	})
}
