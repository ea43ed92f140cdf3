package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sipprobe/sipprobe/internal/editdist"
)

// ErrUnknownProbe marks a name given to Only that the file does not have.
var ErrUnknownProbe = errors.New("no such probe")

// Only keeps the probes named, in the file's order (not the order of
// names). A name is a probe's name, which selects all its transports, or a
// fan-out job's name ("reg/udp"), which selects that transport alone.
func (f *File) Only(names []string) (*File, error) {
	whole := map[string]bool{}
	some := map[string][]string{} // probe name → transports asked for
	var errs []error
	for _, n := range names {
		n = strings.TrimSpace(n)
		if p, t, ok := f.find(n); ok {
			if t == "" {
				whole[p] = true
			} else {
				some[p] = append(some[p], t)
			}
			continue
		}
		errs = append(errs, fmt.Errorf("%w %q in %s%s", ErrUnknownProbe, n, f.Path, f.suggestName(n)))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := &File{Path: f.Path, Name: f.Name}
	for _, p := range f.Probes {
		switch {
		case whole[p.Name]:
			out.Probes = append(out.Probes, p)
		case len(some[p.Name]) > 0:
			p.Transports = slices.DeleteFunc(slices.Clone(p.Transports), func(t string) bool { return !slices.Contains(some[p.Name], t) })
			out.Probes = append(out.Probes, p)
		}
	}
	return out, nil
}

// find resolves a name to a probe and, for a fan-out job, its transport.
func (f *File) find(name string) (probe, transport string, ok bool) {
	for _, p := range f.Probes {
		if p.Name == name {
			return p.Name, "", true
		}
	}
	for _, p := range f.Probes {
		for _, t := range p.Transports {
			if p.Name+"/"+t == name {
				return p.Name, t, true
			}
		}
	}
	return "", "", false
}

// suggestName offers the closest probe or job name, if one is close.
func (f *File) suggestName(name string) string {
	best, bestD := "", 4
	consider := func(c string) {
		if d := editdist.Distance([]rune(name), []rune(c), bestD-1); d < bestD {
			best, bestD = c, d
		}
	}
	for _, p := range f.Probes {
		consider(p.Name)
		for _, t := range p.Transports {
			consider(p.Name + "/" + t)
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
