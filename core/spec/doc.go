// Package spec is the job model: job keys, jobs, tasks, processes and
// resources, with Aurora's defaults and validation rules.
//
// It is a leaf package: it imports nothing else from this module, so the
// client, the scheduler and tests can all share it. Validation returns
// FieldErrors that name the offending field by path (for example
// "task.resources.cpu"); the HCL front end maps those paths back to
// file:line:col.
package spec
