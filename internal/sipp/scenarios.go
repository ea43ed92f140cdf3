// Package sipp runs SIPp as a real SIP peer in tests: a UAS that answers
// calls (the far end of an INVITE test) and a UAC load generator for
// benchmarks. Every process runs on a free loopback port with a global
// timeout and is stopped by the test that started it.
package sipp

import (
	_ "embed"
	"fmt"
	"strings"
)

// Scenarios shipped with the harness, also readable under testdata/. They
// are unexported variables (go:embed needs variables) behind functions, so
// that no test can change them for another.
var (
	//go:embed testdata/uas.xml
	basicUAS string
	//go:embed testdata/register_uac.xml
	registerUAC string
	//go:embed testdata/ring_forever.xml
	ringingUAS string
)

// BasicUAS answers an INVITE with 180 and 200 OK (PCMU and telephone-event
// SDP), then waits for the ACK and the BYE.
func BasicUAS() string { return basicUAS }

// RegisterUAC registers one account per call with digest auth; RunUAC
// feeds it the accounts of WithUsers and the domain of WithDomain.
func RegisterUAC() string { return registerUAC }

// RingingUAS rings (180) and never answers; a CANCEL gets its 200, the
// INVITE its 487, and the scenario ends with the ACK: the no-answer case.
func RingingUAS() string { return ringingUAS }

// RejectUAS answers an INVITE with the final response code and reason
// (busy 486, decline 603, ...) and waits for the ACK.
func RejectUAS(code int, reason string) string {
	if code < 300 || code > 699 || strings.ContainsAny(reason, "\r\n<>&") {
		panic(fmt.Sprintf("sipp.RejectUAS: not a final rejection: %d %q", code, reason))
	}
	return fmt.Sprintf(rejectUAS, code, code, reason)
}

const rejectUAS = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="sipprobe reject %d">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[

      SIP/2.0 %d %s
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Record-Route:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK" crlf="true"/>
</scenario>
`
