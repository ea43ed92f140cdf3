package scenarios

import (
	"iter"
	"time"

	"github.com/sipprobe/sipprobe/probe"
	"github.com/sipprobe/sipprobe/results"
)

// Job is one probe to run on one transport, Repeat times. Fan-out over
// transports yields one Job per transport.
type Job struct {
	Name     string // unique per job: the probe name, plus "/transport" when fanned out
	Kind     probe.Kind
	Config   probe.Config
	Expect   results.Expectation
	Repeat   int
	Interval time.Duration
	// Account is set when the probe sends credentials; it keys the
	// ban-safety rules.
	Account string
	// Sweep marks a row of an accounts file: the runner stops sending to
	// a server that fell silent after refusals (sweepguard.go).
	Sweep bool
}

// Jobs streams the file's jobs in file order without building them all:
// a sweep of thousands of probes holds one Job at a time.
// Bad rows of accounts files are dropped; JobsReporting reports them.
func (f *File) Jobs() iter.Seq[Job] { return f.JobsReporting(nil) }

// Count is the number of results a full run yields (jobs × repeats),
// leaving out the rows of accounts files: they are counted as they stream
// (CountRows reads them through first, for --check).
func (f *File) Count() int {
	n := 0
	for _, p := range f.Probes {
		if p.Accounts != "" {
			continue
		}
		n += max(1, len(p.Transports)) * p.Repeat
	}
	return n
}

// Names lists every job name, for sizing table columns before the run.
func (f *File) Names() []string {
	var names []string
	for j := range f.Jobs() {
		names = append(names, j.Name)
	}
	return names
}

func (p Probe) jobs() iter.Seq[Job] {
	return func(yield func(Job) bool) {
		base := Job{Name: p.Name, Kind: p.Kind, Config: p.Config, Expect: p.Expect, Repeat: p.Repeat, Interval: p.Interval}
		if p.Kind != probe.KindOptions && p.Config.Password != "" {
			base.Account = AccountKey(p.Config.Target, p.Config.User)
		}
		if len(p.Transports) == 0 {
			yield(base)
			return
		}
		for _, t := range p.Transports {
			j := base
			j.Name = p.Name + "/" + t
			j.Config.Transport = t
			if !yield(j) {
				return
			}
		}
	}
}
