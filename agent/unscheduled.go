package agent

// Unscheduled lists the entries without an interval: serve never runs
// them on its own, only on a scrape of /probe?module=NAME. An entry left
// without an interval by mistake would otherwise be monitored nowhere,
// silently.
func (c *Config) Unscheduled() []string {
	var out []string
	for _, p := range c.File.Probes {
		if !p.Scheduled {
			out = append(out, p.Name)
		}
	}
	return out
}

// warnUnscheduled logs, once per entry, each entry of cfg without an
// interval that old (nil at start-up) did not already have.
func (a *Agent) warnUnscheduled(cfg, old *Config) {
	known := map[string]bool{}
	if old != nil {
		for _, n := range old.Unscheduled() {
			known[n] = true
		}
	}
	for _, n := range cfg.Unscheduled() {
		if !known[n] {
			a.log.Warn("probe has no interval: not scheduled, reachable only through /probe?module="+n, "probe", n, "config", cfg.Path)
		}
	}
}
