package probe

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestFramer(t *testing.T) {
	msg := func(body string) string {
		return "SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nContent-Length: " + itoaTest(len(body)) + "\r\n\r\n" + body
	}
	two := msg("") + msg("v=0\r\n")
	tests := []struct {
		name   string
		chunks []string
		want   []string
		err    bool
	}{
		{"one message", []string{msg("")}, []string{msg("")}, false},
		{"two in one read", []string{two}, []string{msg(""), msg("v=0\r\n")}, false},
		{"split everywhere", strings.Split(two, ""), []string{msg(""), msg("v=0\r\n")}, false},
		{"keep-alives between", []string{"\r\n\r\n" + msg("") + "\r\n"}, []string{msg("")}, false},
		{"compact l: header", []string{"SIP/2.0 200 OK\r\nl: 2\r\n\r\nab"}, []string{"SIP/2.0 200 OK\r\nl: 2\r\n\r\nab"}, false},
		{"no content-length means empty body", []string{"SIP/2.0 200 OK\r\n\r\n"}, []string{"SIP/2.0 200 OK\r\n\r\n"}, false},
		{"incomplete body waits", []string{"SIP/2.0 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, nil, false},
		{"bad content-length", []string{"SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n"}, nil, true},
		{"huge content-length", []string{"SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f framer
			var got []string
			var err error
			for _, c := range tt.chunks {
				var msgs [][]byte
				msgs, err = f.feed([]byte(c))
				for _, m := range msgs {
					got = append(got, string(m))
				}
				if err != nil {
					break
				}
			}
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, errFrame)) {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFramerBoundsGarbage(t *testing.T) {
	var f framer
	junk := bytes.Repeat([]byte("x"), maxMessage+1)
	if _, err := f.feed(junk); !errors.Is(err, errFrame) {
		t.Fatalf("garbage without end of headers: err = %v", err)
	}
}

func itoaTest(n int) string { return strconv.Itoa(n) }

func FuzzFramer(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"), 3)
	f.Add([]byte("\r\n\r\nINVITE x SIP/2.0\r\nl: 4\r\n\r\nbody"), 1)
	f.Fuzz(func(t *testing.T, data []byte, step int) {
		if step <= 0 {
			step = 1
		}
		var f framer
		total := 0
		for i := 0; i < len(data); i += step {
			end := min(i+step, len(data))
			msgs, err := f.feed(data[i:end])
			for _, m := range msgs {
				if !bytes.Contains(m, []byte("\r\n\r\n")) {
					t.Fatalf("emitted a message without end of headers: %q", m)
				}
				total += len(m)
			}
			if err != nil {
				return
			}
		}
		if total > len(data) {
			t.Fatalf("emitted %d bytes from %d", total, len(data))
		}
	})
}
