// Package observer is Aurora's observer (`aurora observer`, and inside
// `aurora dev`): web pages over the task sandboxes of an agent, like
// Thermos's observer (reference aurora.md 4.7).
//
// It finds sandboxes by the status file that the executor keeps in each
// (<sandbox>/.aurora/task.json, see core/executor) anywhere below its root,
// usually the agent's work dir, and reads the Thermos layout of the
// sandbox (.logs/<process>/<run>/{stdout,stderr}).
//
// Pages: / and /main/{all,active,finished} (the task list),
// /task/{id} (the task and its process table: states, run counts, pids,
// exit codes), /process/{id}/{process} (runs), /logs/{id}/{process}/{run}/
// {stdout,stderr} (the tail of a log, following it), /browse/{id}[/path]
// (sandbox files), /download/{id}/{path}; JSON: /j/tasks, /j/task/{id},
// /logdata/... Paths never leave a sandbox, symbolic links included.
package observer
