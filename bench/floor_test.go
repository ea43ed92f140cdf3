package bench

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var flagSingleFloor = flag.Bool("single.floor", false, "also time two programs that do nothing: a Go hello world, and one linking every library sipprobe links (none of sipprobe's code): the start-up floor a single check cannot go below")

// floorBinaries builds the two floor programs the way `make release` builds
// sipprobe. The libraries' program blank-imports every package the
// sipprobe command depends on, standard library included, except
// sipprobe's own and internal ones: Go runs each package's init at start,
// used or not, so this is what starting sipprobe costs before any of its
// code runs. It is written to a directory under bench/ starting with "_",
// which go's ./... patterns skip, so that it builds with this module's
// go.mod and go.sum.
func floorBinaries(b *testing.B) (hello, libs string) {
	b.Helper()
	list := exec.Command("go", "list", "-deps", "-tags", releaseTags, "github.com/sipprobe/sipprobe/cmd/sipprobe")
	list.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := list.Output()
	if err != nil {
		b.Fatalf("go list: %v", err)
	}
	var imports []string
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/sipprobe/sipprobe") || strings.HasPrefix(p, "vendor/") ||
			p == "internal" || strings.HasPrefix(p, "internal/") || strings.Contains(p, "/internal") {
			continue
		}
		imports = append(imports, p)
	}
	if len(imports) < 50 {
		b.Fatalf("go list found only %d packages under sipprobe", len(imports))
	}
	bin := b.TempDir()
	hello = build(b, "package main\n\nfunc main() {}\n", filepath.Join(bin, "hello"))
	var src bytes.Buffer
	src.WriteString("package main\n\nimport (\n")
	for _, p := range imports {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n\nfunc main() {}\n")
	libs = build(b, src.String(), filepath.Join(bin, "libs"))
	return hello, libs
}

// releaseTags are the build tags of `make release` (Makefile TAGS).
const releaseTags = "urfave_cli_no_docs"

// build compiles one main package from src, as `make release` does.
func build(b *testing.B, src, out string) string {
	b.Helper()
	dir, err := os.MkdirTemp(".", "_floor-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-tags", releaseTags, "-ldflags=-s -w", "-o", out, "./"+filepath.Base(dir))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the floor program: %v\n%s", err, msg)
	}
	return out
}
