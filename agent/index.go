package agent

import (
	"bytes"
	"net/http"
)

// handleIndex is the status page at / (page.go renders it).
func (a *Agent) handleIndex(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	var b bytes.Buffer
	if err := WritePage(&b, a.statusPage(r.Context())); err != nil {
		http.Error(w, "status page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
