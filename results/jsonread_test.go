package results

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sipprobe/sipprobe/catalog"
)

// TestReadJSONLines: what WriteJSON writes reads back line by line; a bad
// line is reported with its number and does not stop the others.
func TestReadJSONLines(t *testing.T) {
	good := Result{Name: "pbx", Probe: "options", Target: "sip:pbx", Transport: "udp",
		StartedAt: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), Status: StatusCritical,
		Diagnosis: catalog.Diagnosis{ID: "port-unreachable"}}
	var line bytes.Buffer
	if err := WriteJSON(&line, good); err != nil {
		t.Fatal(err)
	}
	g := strings.TrimSuffix(line.String(), "\n")
	without := func(field string) string {
		return strings.Replace(g, field, `"x":0`, 1)
	}
	type got struct {
		line int
		name string
		err  string // "" for a result
	}
	for _, tc := range []struct {
		name  string
		input string
		want  []got
	}{
		{"one result", g + "\n", []got{{1, "pbx", ""}}},
		{"blank lines and CRLF skipped, numbers kept", "\n" + g + "\r\n\n  \n" + g, []got{{2, "pbx", ""}, {5, "pbx", ""}}},
		{"not an object", "[1,2]\n" + g, []got{{1, "", "one JSON object"}, {2, "pbx", ""}}},
		{"pretty-printed", "{\n  \"name\": \"pbx\"\n}\n", []got{{1, "", "invalid JSON"}, {2, "", "one JSON object"}, {3, "", "one JSON object"}}},
		{"wrong type", `{"name": 5}`, []got{{1, "", "cannot unmarshal"}}},
		{"unknown probe", strings.Replace(g, `"probe":"options"`, `"probe":"ping"`, 1), []got{{1, "", `probe "ping"`}}},
		{"no start time", without(`"started_at":"2026-12-02T10:00:00Z"`), []got{{1, "", "no started_at"}}},
		{"unknown status", strings.Replace(g, `"status":"critical"`, `"status":"bad\u001b"`, 1), []got{{1, "", `status "bad\\x1b"`}}},
		{"no diagnosis", strings.Replace(g, `"id":"port-unreachable"`, `"id":""`, 1), []got{{1, "", "no diagnosis id"}}},
		{"a BOM before the first line", "\xef\xbb\xbf" + g + "\n" + g, []got{{1, "pbx", ""}, {2, "pbx", ""}}},
		{"no final newline", g, []got{{1, "pbx", ""}}},
		{"critical with diagnosis ok", strings.Replace(g, `"id":"port-unreachable"`, `"id":"ok"`, 1), []got{{1, "", "status critical with diagnosis ok"}}},
		{"no name nor target", strings.Replace(strings.Replace(g, `"name":"pbx",`, "", 1), `"target":"sip:pbx"`, `"target":""`, 1), []got{{1, "", "neither a name nor a target"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []got
			err := ReadJSONLines(strings.NewReader(tc.input), func(line int, r Result, err error) error {
				g := got{line: line, name: r.Name}
				if err != nil {
					if !errors.Is(err, ErrNotResult) {
						t.Errorf("line %d: %v does not wrap ErrNotResult", line, err)
					}
					if r.Name != "" {
						t.Errorf("line %d: a bad line came with a result %q", line, r.Name)
					}
					g.err = err.Error()
				}
				seen = append(seen, g)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", seen, tc.want)
			}
			for i, w := range tc.want {
				s := seen[i]
				if s.line != w.line || s.name != w.name || (w.err == "") != (s.err == "") || !strings.Contains(s.err, w.err) {
					t.Errorf("line %d: got %+v, want %+v", i, s, w)
				}
			}
		})
	}
	t.Run("a line too long is one bad line; the next is read whole", func(t *testing.T) {
		input := g + "\n" + "{" + strings.Repeat(" ", maxJSONLine) + "}\n" + g + "\n"
		var seen []string
		err := ReadJSONLines(strings.NewReader(input), func(line int, r Result, err error) error {
			s := fmt.Sprintf("%d %s", line, r.Name)
			if err != nil {
				s += " " + err.Error()
			}
			seen = append(seen, s)
			return nil
		})
		want := []string{"1 pbx", "2  not a sipprobe result: longer than 16 MiB", "3 pbx"}
		if err != nil || !slices.Equal(seen, want) {
			t.Errorf("got %q, %v; want %q", seen, err, want)
		}
	})
	t.Run("the callback's error stops reading", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := ReadJSONLines(strings.NewReader(g+"\n"+g+"\n"), func(int, Result, error) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("err %v after %d lines", err, n)
		}
	})
}
