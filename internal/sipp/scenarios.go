// Package sipp runs SIPp as a real SIP peer in tests: a UAS that answers
// calls (the far end of an INVITE test) and a UAC load generator for
// benchmarks. Every process runs on a free loopback port with a global
// timeout and is stopped by the test that started it.
package sipp

import _ "embed"

// Scenarios shipped with the harness, also readable under testdata/. They
// are unexported variables (go:embed needs variables) behind functions, so
// that no test can change them for another.
var (
	//go:embed testdata/uas.xml
	basicUAS string
	//go:embed testdata/register_uac.xml
	registerUAC string
)

// BasicUAS answers an INVITE with 180 and 200 OK (PCMU and telephone-event
// SDP), then waits for the ACK and the BYE.
func BasicUAS() string { return basicUAS }

// RegisterUAC registers one account per call with digest auth; RunUAC
// feeds it the accounts of WithUsers and the domain of WithDomain.
func RegisterUAC() string { return registerUAC }
