// Package agent is `sipprobe serve`: it runs the probes of a scenario file
// on their intervals, exposes their latest results to Prometheus
// (/metrics), runs a probe on demand for a scrape (/probe, blackbox style),
// records every result in the history and shows a status page. The data
// path is one-way: config → scheduler → probe → result → history, metrics
// and page.
package agent

import (
	"fmt"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/scenarios"
)

// Defaults of the serve configuration ([serve] table).
const (
	DefaultListen    = "127.0.0.1:9117"
	DefaultRetention = 30 * 24 * time.Hour
)

// Config is a validated serve configuration: a scenario file (the same
// [defaults] and [[probe]] entries as `run`) and its [serve] table, with
// defaults applied.
type Config struct {
	Path      string
	File      *scenarios.File
	Listen    string
	Retention time.Duration
	// History is the database path; "" means the default of `run`.
	History   string
	Lang      catalog.Lang
	LogFormat string
}

// LoadConfig reads and validates the serve configuration at path. Errors
// are the scenario loader's (file:line, errors.Is(err, scenarios.ErrInvalid)).
func LoadConfig(path string, opts ...scenarios.LoadOption) (*Config, error) {
	f, err := scenarios.Load(path, append([]scenarios.LoadOption{scenarios.ForServe()}, opts...)...)
	if err != nil {
		return nil, err
	}
	return configOf(path, f), nil
}

// ParseConfig is LoadConfig of a document in memory (tests).
func ParseConfig(name string, data []byte, opts ...scenarios.LoadOption) (*Config, error) {
	f, err := scenarios.Parse(name, data, append([]scenarios.LoadOption{scenarios.ForServe()}, opts...)...)
	if err != nil {
		return nil, err
	}
	return configOf(name, f), nil
}

func configOf(path string, f *scenarios.File) *Config {
	s := f.Serve
	c := &Config{Path: path, File: f, Listen: s.Listen, Retention: s.Retention, History: s.History, LogFormat: s.LogFormat}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if s.LangSet {
		c.Lang = s.Lang
	}
	return c
}

// Scheduled lists the jobs that run on an interval: every transport of a
// fanned-out entry is a job of its own, with its own schedule.
func (c *Config) Scheduled() []scenarios.Job {
	var out []scenarios.Job
	for _, p := range c.File.Probes {
		if !p.Scheduled {
			continue
		}
		for j := range p.Jobs() {
			out = append(out, j)
		}
	}
	return out
}

// module finds the /probe module name: an entry name, or the job name of
// one transport of a fanned-out entry ("reg/tcp"). A fanned-out entry
// named alone runs its first transport.
func (c *Config) module(name string) (scenarios.Probe, scenarios.Job, error) {
	for _, p := range c.File.Probes {
		for j := range p.Jobs() {
			if j.Name == name || p.Name == name {
				return p, j, nil
			}
		}
	}
	return scenarios.Probe{}, scenarios.Job{}, fmt.Errorf("%w %q", ErrUnknownModule, name)
}
