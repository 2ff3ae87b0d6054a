package observer

import (
	"html/template"
	"strings"
	"time"
)

var funcs = template.FuncMap{
	"since": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return time.Since(t).Round(time.Second).String()
	},
	"short": func(s string) string { return strings.TrimPrefix(s, "TASK_") },
	"lower": strings.ToLower,
}

const layout = `{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Title}} · Aurora observer{{with .Name}} · {{.}}{{end}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#243447;color:#fff;padding:.6em 1em}
header a{color:#fff;text-decoration:none;font-weight:600}
main{padding:1em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:left;font-size:14px}
th{background:#f3f5f7}
pre{background:#111;color:#eee;padding:.8em;overflow:auto;max-height:70vh;font-size:13px}
.state{font-weight:600}
.RUNNING,.TASK_RUNNING,.SUCCESS,.healthy{color:#17803d}
.FAILED,.TASK_FAILED,.LOST,.TASK_LOST,.unhealthy{color:#b42318}
.KILLED,.TASK_KILLED,.TASK_FINISHED{color:#666}
nav a{margin-right:1em}
</style></head><body>
<header><a href="/">Aurora observer</a>{{with .Name}} · {{.}}{{end}}</header><main>
{{end}}
{{define "foot"}}</main></body></html>{{end}}

{{define "index"}}{{template "head" (page "Tasks" .)}}
<nav id="filters"><a href="/main/all">all ({{.All}})</a><a href="/main/active">active ({{.Active}})</a><a href="/main/finished">finished ({{.Finished}})</a></nav>
<h1>Tasks: {{.Which}}</h1>
{{if .Tasks}}<table id="tasks">
<thead><tr><th>Task</th><th>Job</th><th>Instance</th><th>State</th><th>Health</th><th>Plugin</th><th>Host</th><th>Started</th></tr></thead>
<tbody>{{range .Tasks}}<tr class="task" data-task-id="{{.TaskID}}">
<td><a href="/task/{{.TaskID}}">{{.TaskID}}</a></td><td>{{.Job}}</td><td>{{.Instance}}</td>
<td class="state {{.State}}">{{short .State}}</td><td class="{{.Health}}">{{.Health}}</td><td>{{.Plugin}}</td><td>{{.Host}}</td>
<td title="{{.Started}}">{{since .Started}} ago</td></tr>{{end}}</tbody></table>
{{else}}<p id="no-tasks">No tasks under {{.Root}}.</p>{{end}}
{{template "foot"}}{{end}}

{{define "task"}}{{template "head" (page .T.TaskID .)}}
<h1 id="task-id">{{.T.TaskID}}</h1>
<table id="task-info">
<tr><th>Job</th><td>{{.T.Job}}</td></tr>
<tr><th>Instance</th><td>{{.T.Instance}}</td></tr>
<tr><th>State</th><td class="state {{.T.State}}" id="task-state">{{short .T.State}}</td></tr>
{{with .T.Message}}<tr><th>Message</th><td>{{.}}</td></tr>{{end}}
{{with .T.Health}}<tr><th>Health</th><td class="{{.}}">{{.}}</td></tr>{{end}}
{{with .T.TaskState}}<tr><th>Runner state</th><td>{{.}}</td></tr>{{end}}
{{with .T.Announced}}<tr><th>Announced</th><td>{{.}}</td></tr>{{end}}
<tr><th>Plugin</th><td>{{.T.Plugin}}</td></tr>
<tr><th>Host</th><td>{{.T.Host}}</td></tr>
{{with .Ports}}<tr><th>Ports</th><td>{{range .}}{{.}} {{end}}</td></tr>{{end}}
<tr><th>Sandbox</th><td><a href="/browse/{{.T.TaskID}}">{{.T.Sandbox}}</a></td></tr>
</table>
<h2>Processes</h2>
<table id="processes">
<thead><tr><th>Process</th><th>State</th><th>Runs</th><th>PID</th><th>Exit code</th><th>Logs (last run)</th></tr></thead>
<tbody>{{$id := .T.TaskID}}{{range .Processes}}<tr class="process" data-process="{{.Name}}">
<td><a href="/process/{{$id}}/{{.Name}}">{{.Name}}</a></td><td class="state {{.State}}">{{.State}}</td>
<td class="runs">{{.Runs}}</td><td>{{if .PID}}{{.PID}}{{end}}</td><td>{{.ExitCode}}</td>
<td>{{if .HasLogs}}<a class="stdout" href="/logs/{{$id}}/{{.Name}}/{{.LastRun}}/stdout">stdout</a> <a class="stderr" href="/logs/{{$id}}/{{.Name}}/{{.LastRun}}/stderr">stderr</a>{{end}}</td></tr>{{end}}</tbody>
</table>
{{template "foot"}}{{end}}

{{define "process"}}{{template "head" (page .Process .)}}
<h1><a href="/task/{{.T.TaskID}}">{{.T.TaskID}}</a> / {{.Process}}</h1>
<table id="runs"><thead><tr><th>Run</th><th>stdout</th><th>stderr</th></tr></thead>
<tbody>{{$id := .T.TaskID}}{{$p := .Process}}{{range .Runs}}<tr><td>{{.Run}}</td>
<td><a href="/logs/{{$id}}/{{$p}}/{{.Run}}/stdout">stdout</a> ({{.StdoutBytes}} bytes)</td>
<td><a href="/logs/{{$id}}/{{$p}}/{{.Run}}/stderr">stderr</a> ({{.StderrBytes}} bytes)</td></tr>{{end}}</tbody></table>
{{template "foot"}}{{end}}

{{define "logs"}}{{template "head" (page .Stream .)}}
<h1><a href="/task/{{.T.TaskID}}">{{.T.TaskID}}</a> / <a href="/process/{{.T.TaskID}}/{{.Process}}">{{.Process}}</a> / run {{.Run}} / {{.Stream}}</h1>
<p><span id="size">{{.Size}}</span> bytes; the last 64 KiB are shown and follow the file.</p>
<pre id="log">{{.Text}}</pre>
<script>
(function(){
  var url = "/logdata/{{.T.TaskID}}/{{.Process}}/{{.Run}}/{{.Stream}}";
  var pre = document.getElementById("log"), size = document.getElementById("size");
  setInterval(function(){
    fetch(url).then(function(r){ return r.json(); }).then(function(d){
      if (String(d.size) !== size.textContent) {
        var bottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 5;
        pre.textContent = d.data; size.textContent = d.size;
        if (bottom) pre.scrollTop = pre.scrollHeight;
      }
    }).catch(function(){});
  }, 2000);
})();
</script>
{{template "foot"}}{{end}}

{{define "browse"}}{{template "head" (page .Path .)}}
<h1><a href="/task/{{.T.TaskID}}">{{.T.TaskID}}</a> / {{.Path}}</h1>
<table id="files"><thead><tr><th>Name</th><th>Size</th><th>Modified</th></tr></thead><tbody>
{{if .Path}}<tr><td><a href="/browse/{{.T.TaskID}}{{.Parent}}">..</a></td><td></td><td></td></tr>{{end}}
{{$id := .T.TaskID}}{{range .Entries}}<tr><td><a href="/browse/{{$id}}/{{.Path}}">{{.Name}}{{if .Dir}}/{{end}}</a></td>
<td>{{if not .Dir}}{{.Size}}{{end}}</td><td>{{.Mod.Format "2006-01-02 15:04:05"}}</td></tr>{{end}}
</tbody></table>
{{template "foot"}}{{end}}

{{define "file"}}{{template "head" (page .Path .)}}
<h1><a href="/task/{{.T.TaskID}}">{{.T.TaskID}}</a> / {{.Path}}</h1>
<p>{{.Size}} bytes · <a href="/download/{{.T.TaskID}}/{{.Path}}">download</a> · <a href="/browse/{{.T.TaskID}}{{.Parent}}">up</a></p>
<pre id="file">{{.Text}}</pre>
{{template "foot"}}{{end}}
`

// pageData adds the title to a page's data.
type pageData struct {
	Title, Name string
}

var pages = template.Must(template.New("pages").Funcs(funcs).Funcs(template.FuncMap{
	"page": func(title string, data map[string]any) pageData {
		name, _ := data["Name"].(string)
		return pageData{Title: title, Name: name}
	},
}).Parse(layout))
