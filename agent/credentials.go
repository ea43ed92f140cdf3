package agent

import (
	"crypto/sha256"

	"github.com/sipprobe/sipprobe/scenarios"
)

// After a refusal, a probe's account is left alone for the cool-down
// (ban safety), even once the password is fixed: `run` has --force for
// that, and the agent has the reload. A reload whose entry now has other
// credentials than the configuration in force lets that entry's next probe
// try them once (scenarios.Session.Retry); a reload that changed nothing
// does not, so no reload hammers a PBX with refused credentials. The
// comparison is of a digest held in memory only: credentials are never
// stored or logged, not even hashed.

// retryChangedCredentials gives every job of cfg that sends credentials
// and whose credentials differ from the same job's in old one retry.
func (a *Agent) retryChangedCredentials(old, cfg *Config) {
	before := map[string][sha256.Size]byte{}
	for _, p := range old.File.Probes {
		for j := range p.Jobs() {
			before[j.Name] = scenarios.CredentialsDigest(j)
		}
	}
	for _, p := range cfg.File.Probes {
		for j := range p.Jobs() {
			if prev, ok := before[j.Name]; ok && j.Account != "" && prev != scenarios.CredentialsDigest(j) {
				a.session.Retry(j)
				a.log.Info("reload: credentials changed, the next probe tries them despite an earlier refusal", "probe", j.Name)
			}
		}
	}
}
