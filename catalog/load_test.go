package catalog

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbeddedCatalogLoads(t *testing.T) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(sub); err != nil {
		t.Fatalf("embedded catalogue: %v", err)
	}
}

// embeddedFiles returns the real data files so that a case can break one
// thing and keep the rest valid.
func embeddedFiles(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	names, _ := fs.Glob(embedded, "data/*.json")
	for _, n := range names {
		b, err := embedded.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		m[strings.TrimPrefix(n, "data/")] = &fstest.MapFile{Data: b}
	}
	return m
}

// entryFile is a data file with one valid entry plus extra fields.
func entryFile(id, extra string) string {
	return `{"entries":[{"id":"` + id + `","severity":"critical",` + extra +
		`"en":{"summary":"S.","causes":["C."],"remedies":["R."]},"ru":{"summary":"С.","causes":["П."],"remedies":["Д."]}}]}`
}

func TestLoadRejectsBadData(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"broken JSON", `{"entries": [`, "unexpected end"},
		{"duplicate id", entryFile("busy", ""), "duplicate id"},
		{"bad id", entryFile("Bad_ID", ""), "bad id"},
		{"bad severity", `{"entries":[{"id":"x-y","severity":"fatal","en":{"summary":"S","causes":["c"],"remedies":["r"]},"ru":{"summary":"S","causes":["c"],"remedies":["r"]}}]}`, "bad severity"},
		{"missing remedy", `{"entries":[{"id":"x-y","severity":"info","en":{"summary":"S","causes":["c"]},"ru":{"summary":"S","causes":["c"],"remedies":["r"]}}]}`, "needs a summary, a cause and a remedy"},
		{"code twice", entryFile("x-y", `"codes":["486 Busy"],`), "already explained by"},
		{"phrase twice", entryFile("x-y", `"phrases":["403 wrong guess"],`), "already belongs to"},
		{"standard phrase as variant", entryFile("x-y", `"phrases":["486 Busy Here"],`), "is the standard phrase"},
		{"bad phrase", entryFile("x-y", `"phrases":["abc Wrong"],`), "bad phrase"},
		{"unknown placeholder", `{"entries":[{"id":"x-y","severity":"info","en":{"summary":"S {nope}","causes":["c"],"remedies":["r"]},"ru":{"summary":"S","causes":["c"],"remedies":["r"]}}]}`, "unknown placeholder"},
		{"user outside brackets", `{"entries":[{"id":"x-y","severity":"info","en":{"summary":"S {user}","causes":["c"],"remedies":["r"]},"ru":{"summary":"S","causes":["c"],"remedies":["r"]}}]}`, "may be empty"},
		{"unbalanced", `{"entries":[{"id":"x-y","severity":"info","en":{"summary":"S [oops","causes":["c"],"remedies":["r"]},"ru":{"summary":"S","causes":["c"],"remedies":["r"]}}]}`, "unbalanced"},
		{"q850 points nowhere", `{"q850":[{"code":200,"name":"n","id":"nope","en":"e","ru":"р"}]}`, "unknown id"},
		{"note twice", `{"notes":{"also":{"en":"x","ru":"y"}}}`, "defined twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := embeddedFiles(t)
			files["99-test.json"] = &fstest.MapFile{Data: []byte(tc.file)}
			_, err := Load(files)
			if !errors.Is(err, ErrInvalidCatalog) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrInvalidCatalog with %q", err, tc.want)
			}
		})
	}
	t.Run("empty", func(t *testing.T) {
		if _, err := Load(fstest.MapFS{}); !errors.Is(err, ErrInvalidCatalog) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("missing class fallback", func(t *testing.T) {
		files := embeddedFiles(t)
		delete(files, "20-codes-1xx-3xx.json")
		if _, err := Load(files); err == nil || !strings.Contains(err.Error(), "no fallback entry for class 1xx") {
			t.Fatalf("got %v", err)
		}
	})
}
