package testpeers

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the absolute path of bin. When bin is not installed it
// skips the test on a developer machine but fails it when the environment
// variable CI is set: a skipped integration test in CI would hide that the
// real-server tests never ran.
func Require(t testing.TB, bin string) string {
	t.Helper()
	path, err := exec.LookPath(bin)
	if err == nil {
		return path
	}
	if InCI() {
		t.Fatalf("%s is required in CI but not installed (run scripts/install-test-deps.sh): %v", bin, err)
	}
	t.Skipf("%s not installed (run scripts/install-test-deps.sh): %v", bin, err)
	return ""
}

// InCI reports whether the tests run in CI, where missing peers are errors.
func InCI() bool {
	return os.Getenv("CI") != ""
}
