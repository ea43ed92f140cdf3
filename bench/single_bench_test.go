package bench

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/internal/kamailio"
	"github.com/sipprobe/sipprobe/internal/sipp"
	"github.com/sipprobe/sipprobe/internal/testpeers"
)

// The single-shot benchmark (issue 13 part 2) measures whole processes, as
// a Nagios or Icinga server starts them; scripts/bench builds the
// release binary and passes it here.
var (
	flagSingleBin   = flag.String("single.bin", "", "sipprobe binary to run as a process (the benchmark skips without it)")
	flagSinglePairs = flag.Int("single.pairs", 30, "interleaved (sipprobe, peer) pairs per command")
	flagSingleBase  = flag.String("single.before", "", "another sipprobe binary (say, an older commit's) to run in the same pairs, for a before/after figure")
)

// singleCase is one command line of sipprobe and the one of the peer a user
// would otherwise pick for the same question.
type singleCase struct {
	name      string
	sipprobe  []string
	peerName  string
	peer      func() []string // a new command line per run (SIPp needs a fresh port)
	wantProbe int             // sipprobe's exit code for a healthy answer
}

// cost is what one process took: wall time from fork to reaping, and the
// CPU time (user+sys) the kernel accounted to it.
type cost struct{ wall, cpu time.Duration }

// BenchmarkSingleShot runs each command -single.pairs times as a process,
// interleaved with its peer (the order alternates from pair to pair so
// that neither always runs on a warmer cache), against one local Kamailio
// and one SIPp UAS, and prints the medians and their ratio.
func BenchmarkSingleShot(b *testing.B) {
	bin := *flagSingleBin
	if bin == "" {
		b.Skip("needs -single.bin (scripts/bench builds and passes it)")
	}
	pairs := *flagSinglePairs
	if pairs < 1 {
		b.Fatal("-single.pairs must be positive")
	}
	sipsak := testpeers.Require(b, "sipsak")
	sippBin := testpeers.Require(b, "sipp")
	// sipsak 0.9.8 cuts a five-digit port in its request URI to four
	// digits, and then Kamailio answers 405 (not its own URI).
	kam := kamailio.Start(b, kamailio.WithPortBelow(10000))
	server := kam.Addr("udp")
	// One call per invite run: sipprobe, SIPp and the before binary, plus
	// the warm-up runs.
	uas := sipp.StartUAS(b, sipp.BasicUAS(), sipp.WithCalls(3*pairs+6), sipp.WithTimeout(30*time.Minute))

	cases := []singleCase{
		{
			name:     "version",
			sipprobe: []string{"version"},
			peerName: "sipsak --version",
			peer:     func() []string { return []string{sipsak, "--version"} },
		},
		{
			name:     "options",
			sipprobe: []string{"options", "--server", server, "-o", "json"},
			peerName: "sipsak -s",
			peer:     func() []string { return []string{sipsak, "-s", "sip:" + server} },
		},
		{
			name: "register (digest)",
			sipprobe: []string{"register", "--server", server, "--user", "120", "--password", "secret120",
				"--domain", kam.Realm, "-o", "json"},
			peerName: "sipsak -U -C empty",
			// usrloc mode, one REGISTER without a Contact (a query, like
			// sipprobe's default), digest with the same credentials.
			peer: func() []string {
				return []string{sipsak, "-U", "-C", "empty", "-i", "-s", "sip:120@" + server, "-a", "secret120"}
			},
		},
		{
			// --hold 0: BYE right after the ACK, as SIPp's uac does.
			name:     "invite --hold 0",
			sipprobe: []string{"invite", "--server", uas.Addr(), "--user", "120", "--to", "600", "--hold", "0", "-o", "json"},
			peerName: "sipp -sn uac -m 1",
			peer: func() []string {
				return []string{sippBin, "-sn", "uac", "-m", "1", "-i", "127.0.0.1", "-p", strconv.Itoa(testpeers.FreePort(b)),
					"-bind_local", "-nostdin", "-timeout", "10s", "-timeout_error", "-s", "600", uas.Addr()}
			},
		},
	}

	if *flagSingleFloor {
		hello, libs := floorBinaries(b)
		version := func() []string { return []string{sipsak, "--version"} }
		cases = append([]singleCase{
			{name: "floor: Go hello world", sipprobe: []string{hello}, peerName: "sipsak --version", peer: version},
			{name: "floor: sipprobe's libraries, none of its code", sipprobe: []string{libs}, peerName: "sipsak --version", peer: version},
		}, cases...)
	}

	fmt.Printf("single-shot: %d pairs per command, %d cores (GOMAXPROCS %d), %s\n", pairs, runtime.NumCPU(), runtime.GOMAXPROCS(0), bin)
	fmt.Printf("%-20s %12s %12s  %-20s %12s %12s  %10s %10s\n",
		"command", "wall ms", "cpu ms", "peer", "wall ms", "cpu ms", "wall ratio", "cpu ratio")
	for b.Loop() {
		for _, c := range cases {
			probeCmd := func() []string { return append([]string{bin}, c.sipprobe...) }
			floor := strings.HasPrefix(c.name, "floor: ")
			if floor {
				probeCmd = func() []string { return c.sipprobe } // a program of its own
			}
			// Two unmeasured runs each: page cache, Kamailio's first nonce.
			for range 2 {
				mustRun(b, probeCmd(), c.wantProbe)
				mustRun(b, c.peer(), 0)
			}
			var pw, pc, sw, sc, bw, bc []float64
			for i := range pairs {
				var p, s cost
				if i%2 == 0 {
					p = mustRun(b, probeCmd(), c.wantProbe)
					s = mustRun(b, c.peer(), 0)
				} else {
					s = mustRun(b, c.peer(), 0)
					p = mustRun(b, probeCmd(), c.wantProbe)
				}
				pw, pc = append(pw, ms(p.wall)), append(pc, ms(p.cpu))
				sw, sc = append(sw, ms(s.wall)), append(sc, ms(s.cpu))
				if before := *flagSingleBase; before != "" && !floor {
					o := mustRun(b, append([]string{before}, c.sipprobe...), c.wantProbe)
					bw, bc = append(bw, ms(o.wall)), append(bc, ms(o.cpu))
				}
			}
			fmt.Printf("%-20s %12.2f %12.2f  %-20s %12.2f %12.2f  %10.2f %10.2f\n",
				c.name, median(pw), median(pc), c.peerName, median(sw), median(sc),
				median(pw)/median(sw), median(pc)/median(sc))
			goal := ""
			if c.name == "options" {
				goal = "≤ 0.4"
			}
			benchRow(c.name+", wall", "ms", median(pw), c.peerName, median(sw), goal, pairs)
			benchRow(c.name+", CPU", "ms", median(pc), c.peerName, median(sc), "", pairs)
			if len(bw) > 0 {
				fmt.Printf("%-20s %12.2f %12.2f  %-20s %12.2f %12.2f  %10.2f %10.2f\n",
					"  (before)", median(bw), median(bc), "", median(sw), median(sc),
					median(bw)/median(sw), median(bc)/median(sc))
			}
		}
	}
}

// mustRun runs argv to its end and fails the benchmark unless it exits
// with want: a benchmark of a failing probe measures nothing.
func mustRun(b *testing.B, argv []string, want int) cost {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		b.Fatalf("%v: %v", argv, err)
	}
	if code != want {
		b.Fatalf("%v: exit %d, want %d:\n%s", argv, code, want, out.String())
	}
	st := cmd.ProcessState
	return cost{wall: wall, cpu: st.UserTime() + st.SystemTime()}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
