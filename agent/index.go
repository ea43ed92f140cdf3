package agent

import (
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// handleIndex is the status page at /.
//
// MERGE NOTE (issue 10, engineer "page"): page.go holds the real status
// page, a pure renderer over its own input type, tested in headless
// Chromium. At merge, fill that type from a.statusRows (status.go) and call
// the renderer here; this minimal table only keeps / useful until then.
func (a *Agent) handleIndex(w http.ResponseWriter, r *http.Request) {
	rows := a.statusRows(r.Context())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// html/template escapes every value: reason phrases and summaries
	// carry what a server sent.
	_ = indexTemplate().Execute(w, struct {
		Rows []probeStatus
		Now  time.Time
	}{rows, time.Now()})
}

func indexTemplate() *template.Template {
	return template.Must(template.New("index").Funcs(template.FuncMap{
		"pathEscape": url.PathEscape,
		"age": func(now, t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return now.Sub(t).Round(time.Second).String()
		},
		"pct": func(p *float64) string {
			if p == nil {
				return "—"
			}
			return template.HTMLEscapeString(formatPct(*p))
		},
	}).Parse(`<!doctype html><html><head><meta charset="utf-8"><title>sipprobe</title></head><body>
<h1>sipprobe</h1><table><tr><th>probe</th><th>target</th><th>status</th><th>diagnosis</th><th>age</th><th>availability</th></tr>
{{range .Rows}}<tr><td>{{.Name}}</td><td>{{.Target}}</td><td>{{.Status}}</td><td>{{.Summary}}{{if .Remedy}}<br>{{.Remedy}}{{end}}{{if .HasFailure}} <a href="/probe/{{pathEscape .Name}}/last">last failure</a>{{end}}</td><td>{{age $.Now .LastRun}}</td><td>{{pct .AvailabilityPct}}</td></tr>
{{end}}</table></body></html>
`))
}
