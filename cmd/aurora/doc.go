// Command aurora is Aurora-Go's single binary: the client CLI, `aurora dev`
// (everything on one machine), the Mesos executor and the built-in plugins.
package main
