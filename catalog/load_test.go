package catalog

import (
	"io/fs"
	"testing"
)

func TestEmbeddedCatalogLoads(t *testing.T) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(sub)
	if err != nil {
		t.Fatalf("embedded catalogue: %v", err)
	}
	if len(c.Entries()) != len(Default().Entries()) {
		t.Fatal("Default differs from Load")
	}
}
