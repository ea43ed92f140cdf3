package scenarios

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExamplesLoad keeps the documented examples in step with the loader:
// every example TOML must validate (with its secrets provided).
func TestExamplesLoad(t *testing.T) {
	files := []string{"../scenarios.example.toml"}
	more, _ := filepath.Glob("../examples/*/*.toml")
	files = append(files, more...)
	env := func(name string) (string, bool) { return "x", true }
	read := func(string) ([]byte, error) { return []byte("x\n"), nil }
	for _, path := range files {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			f, err := Load(path, WithLookupEnv(env), WithReadFile(read))
			if err != nil {
				t.Fatal(err)
			}
			if f.Count() == 0 {
				t.Error("no probes")
			}
		})
	}
}
