// Package bench holds the performance benchmarks of issues 5 and 13, each
// measured side by side with the peer a user would otherwise pick, in the
// same run against the same local servers:
//
//   - BenchmarkSweepProcess: the sipprobe binary sweeping an accounts file
//     (register --accounts) against Kamailio, and SIPp driving the same
//     REGISTER-with-auth load;
//   - BenchmarkSingleShot: one process per check, interleaved with sipsak
//     and SIPp;
//   - BenchmarkRegisterSweep: the same sweep through the probe library, to
//     tell the engine's cost from the process's.
//
// None is part of `make test`. scripts/bench runs the first two and prints
// one table (medians, ratios, the core count); a tiny run compiles and
// works under
//
//	go test -run XXX -bench RegisterSweep -benchtime 1x ./bench/
package bench
