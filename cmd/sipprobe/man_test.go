//go:build !urfave_cli_no_docs

package main

import (
	"flag"
	"io"
	"os"
	"testing"
)

var updateMan = flag.Bool("update-man", false, "rewrite cmd/sipprobe/sipprobe.1 from the app's flags")

// TestManPageCurrent: the embedded manual page is what urfave/cli renders
// from the app now, so `sipprobe man` never lags the flags. Run with
// -update-man after changing a flag or a command.
func TestManPageCurrent(t *testing.T) {
	// Setup adds what Run adds (the help flag and command), as `man` saw
	// them when it rendered at run time.
	app := newApp(io.Discard, io.Discard)
	app.Setup()
	page, err := app.ToManWithSection(1)
	if err != nil {
		t.Fatal(err)
	}
	if *updateMan {
		if err := os.WriteFile("sipprobe.1", []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if page != manPage {
		t.Error("cmd/sipprobe/sipprobe.1 is stale: run go test ./cmd/sipprobe -run TestManPageCurrent -update-man")
	}
}
