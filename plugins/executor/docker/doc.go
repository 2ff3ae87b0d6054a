// Package docker is the built-in "docker" executor plugin: it runs a task
// in a Docker container through the Docker Engine API (plain HTTP over
// dockerd's unix socket; this package imports only the SDK). The executor
// picks it for a job with a container { docker { ... } } block (reference
// aurora.md 2.9).
//
// The container:
//
//   - runs the job's image (pulled when the engine does not have it) with
//     the task's sandbox mounted read-write at /mnt/mesos/sandbox
//     (MESOS_SANDBOX inside), which is also the working directory;
//   - shares the host's network by default, as Mesos runs Docker tasks, so
//     the assigned ports ({{thermos.ports[NAME]}}) are bound directly; with
//     another network mode every assigned port is published on itself;
//   - takes the job's parameters as docker run options: env, network, user,
//     workdir, hostname, label, add-host, cap-add, volume and publish (any
//     other is refused), the job's volumes as binds, and the task's ram and
//     cpu as memory and CPU limits;
//   - carries the label org.aurora-go.task_id and is named aurora-<task id>.
//
// Its command is a POSIX sh runner the plugin writes into the sandbox
// (.docker/runner.sh): the ordinary processes one after another in an
// order that honours after and sequential, then the final ones. Each run of
// a process is `sh` (bash when the image has it) on its command line, with
// stdout and stderr in the Thermos layout .logs/<process>/<run>/, so the
// observer shows them; max_failures, min_duration, daemon and ephemeral
// keep their Thermos meaning, but processes do not run concurrently. The
// runner records each process as .docker/status/<process> for Inspect. The
// container's own output goes to container.stdout and container.stderr.
//
// Stop is docker stop: SIGTERM to the runner, which passes it to every
// process in the container, and SIGKILL after the grace period. Destroy
// removes the container; the sandbox stays. Containers outlive the plugin
// process, and Recover re-attaches to one from its handle.
//
// The engine is the configured socket ({"socket": "/path"}), else the
// task's DOCKER_HOST (unix:///path), else /var/run/docker.sock.
package docker
