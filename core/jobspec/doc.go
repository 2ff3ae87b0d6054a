// Package jobspec reads HCL job files into spec.Jobs.
//
// A job file holds one or more job blocks, and may declare variable blocks
// (read as var.NAME) and locals blocks (read as local.NAME). Expressions may
// call the HCL standard functions (upper, format, join, concat, min, ...).
// Variable values come, lowest precedence first, from a variable's default,
// the environment (AURORA_VAR_<name>), var files (Options.VarFiles, in
// order) and -var flags (Options.Vars).
//
// HCL's ${...} and %{...} are evaluated when the file is parsed; Aurora's
// {{...}} runtime templates are literal text to HCL and pass through to the
// job untouched, for the executor to bind.
//
// Decoding uses HCL's own schema and type conversion, so unknown arguments,
// blocks and wrongly typed values are reported where they are written. After
// decoding, every job gets spec's defaults (Job.ApplyDefaults) and is checked
// by Job.Validate; each spec.FieldError is mapped back to the attribute (or,
// when the attribute is absent, the enclosing block) it is about. Every
// problem is therefore reported as FILE:LINE:COL, gathered in one *Error.
package jobspec
