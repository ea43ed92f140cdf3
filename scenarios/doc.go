// Package scenarios loads a scenario file (TOML: a [defaults] table and
// [[probe]] entries with expectations) and runs its probes in parallel while
// staying ban-safe towards the PBX.
//
// Why github.com/pelletier/go-toml/v2: it is maintained, its strict mode
// (DisallowUnknownFields) reports every unknown key with its line, its
// DecodeError carries the line and key of a wrong type, and its unstable
// parser exposes the AST with byte ranges, which lets the loader decode each
// [[probe]] on its own and so report the problems of every probe in one go
// instead of stopping at the first (BurntSushi/toml reports unknown keys
// through MetaData.Undecoded, but without line numbers).
package scenarios
