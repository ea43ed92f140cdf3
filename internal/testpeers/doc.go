// Package testpeers holds what every real-peer integration test needs:
// skipping (locally) or failing (in CI) when a peer binary is missing, and
// loopback ports that are free for UDP and TCP at once.
package testpeers
