// Package bench holds the sweep benchmark of issue 5: sipprobe's REGISTER
// probes against a local Kamailio with thousands of accounts, side by side
// with SIPp driving the same REGISTER-with-auth load in the same run.
//
// It is not part of `make test`. Run scripts/bench for the full figures
// (2,000 probes, several repetitions, medians and the ratio); a tiny run
// compiles and works under
//
//	go test -run XXX -bench . -benchtime 1x ./bench/
package bench
