//go:build !linux

package probe

import "syscall"

// Elsewhere the errno alone tells what the ICMP error was.
func enableICMPErrors(string, syscall.RawConn) error { return nil }

func readICMP(syscall.RawConn) (icmpReport, bool) { return icmpReport{}, false }
