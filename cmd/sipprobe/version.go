package main

import (
	"fmt"
	"io"
	"iter"
	"runtime/debug"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/sipprobe/sipprobe/scenarios"
)

// version is empty unless a release sets it with
// -ldflags "-X main.version=v1.2.3"; then it wins over the build info.
var version string

// buildVersion is what the binary knows about itself.
type buildVersion struct {
	Version   string // v1.2.3, a pseudo-version, or dev-<commit>
	Commit    string // vcs.revision, empty outside a git checkout
	Modified  bool   // vcs.modified: built from a work tree with changes
	GoVersion string
}

// readVersion combines the -ldflags version with runtime/debug's build info,
// once: ReadBuildInfo parses the module list anew on every call.
var readVersion = sync.OnceValue(func() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(version, bi)
})

// versionFrom: an -ldflags version wins; then the module version that
// `go install …@vX` and (since Go 1.24) `go build` in a git checkout record;
// then dev-<commit>[-dirty] from the VCS stamp; then plain "dev".
func versionFrom(ldflags string, bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Version: ldflags}
	if bi == nil {
		if v.Version == "" {
			v.Version = "dev"
		}
		return v
	}
	v.GoVersion = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	if v.Version == "" {
		v.Version = "dev"
		if v.Commit != "" {
			v.Version += "-" + short(v.Commit)
			if v.Modified {
				v.Version += "-dirty"
			}
		}
	}
	return v
}

func short(commit string) string { return commit[:min(12, len(commit))] }

// userAgent is the default User-Agent: the PBX's logs then tell which build
// sent the request.
func (v buildVersion) userAgent() string { return "sipprobe/" + v.Version }

func (v buildVersion) print(w io.Writer) {
	fmt.Fprintf(w, "sipprobe %s\n", v.Version)
	commit := v.Commit
	switch {
	case commit == "":
		commit = "unknown"
	case v.Modified:
		commit += " (modified)"
	}
	fmt.Fprintf(w, "commit: %s\n", commit)
	goVersion := v.GoVersion
	if goVersion == "" {
		goVersion = "unknown"
	}
	fmt.Fprintf(w, "go: %s\n", goVersion)
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the commit and the Go version it was built with",
		Action: func(c *cli.Context) error {
			readVersion().print(c.App.Writer)
			return nil
		},
	}
}

// withUserAgent gives jobs without a user_agent the default one.
func withUserAgent(jobs iter.Seq[scenarios.Job], ua string) iter.Seq[scenarios.Job] {
	return func(yield func(scenarios.Job) bool) {
		for j := range jobs {
			if j.Config.UserAgent == "" {
				j.Config.UserAgent = ua
			}
			if !yield(j) {
				return
			}
		}
	}
}
