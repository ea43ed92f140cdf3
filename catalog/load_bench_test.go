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
// Default's index built from the generated data.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := build(generatedData.fileData(), false); err != nil {
			b.Fatal(err)
		}
	}
}
