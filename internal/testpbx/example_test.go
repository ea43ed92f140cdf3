package testpbx_test

import (
	"context"
	"fmt"
	"time"

	"github.com/sipprobe/sipprobe/internal/testpbx"
)

// A PBX like the one `sipprobe demo` runs: one account with a working echo
// extension, a busy one, a PCMA-only one and one that never gets our ACK.
func Example() {
	pbx, err := testpbx.New(
		testpbx.WithRealm("demo.sipprobe"),
		testpbx.WithAccount("120", "demo",
			testpbx.Extension("600", testpbx.ExtensionBehaviour{EchoRTP: true}),
			testpbx.Extension("601", testpbx.ExtensionBehaviour{Code: 486}),
			testpbx.Extension("602", testpbx.ExtensionBehaviour{Codecs: []string{"PCMA"}}),
			testpbx.Extension("603", testpbx.ExtensionBehaviour{IgnoreACK: true}),
		),
		testpbx.WithAccount("121", "demo", testpbx.Reject(403, "User Disabled")),
		testpbx.WithMinExpires(60),
		testpbx.WithFault(testpbx.FaultReason(503, "Maintenance"), "SUBSCRIBE"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pbx.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer pbx.Close()
	fmt.Println(pbx.Addr("udp") == pbx.Addr("tcp"))
	// Output: true
}
