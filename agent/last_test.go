package agent

import (
	"testing"

	"github.com/sipprobe/sipprobe/results"
)

func TestLastFailureKeepsTheLadder(t *testing.T) {
	l := newLastResults()
	refused := results.Result{Name: "reg", Status: results.StatusCritical, FinalCode: 401, Messages: []results.Message{{Dir: results.DirOut, Raw: "REGISTER"}}}
	skipped := results.Result{Name: "reg", Status: results.StatusCritical}
	l.put(refused)
	l.put(skipped)
	latest, failure, _, _ := l.get("reg")
	if latest.FinalCode != 0 || failure.FinalCode != 401 {
		t.Errorf("latest %d, failure %d: want the skip as latest and the refusal as the failure", latest.FinalCode, failure.FinalCode)
	}
	l.put(results.Result{Name: "reg", Status: results.StatusCritical, FinalCode: 403, Messages: refused.Messages})
	if _, failure, _, _ := l.get("reg"); failure.FinalCode != 403 {
		t.Errorf("a newer failure with a ladder did not replace the old: %d", failure.FinalCode)
	}
}
