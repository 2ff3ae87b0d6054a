// Package thermos is the built-in "thermos" executor plugin: it runs a
// task's processes with bash in the task's sandbox, with the process
// semantics of Aurora's Thermos runner.
//
// The task configuration (StartRequest.Config) uses the job model's field
// names:
//
//	{"name": "hello",
//	 "processes": [{"name": "setup", "cmdline": "..."},
//	               {"name": "hello", "cmdline": "...", "after": ["setup"],
//	                "max_failures": 1, "daemon": false, "ephemeral": false,
//	                "final": false, "min_duration": "5s"}],
//	 "max_failures": 1, "max_concurrency": 0,
//	 "finalization_wait": "30s", "sequential": false}
//
// Unset fields take Aurora's defaults (process max_failures 1, min_duration
// 5s; task max_failures 1, finalization_wait 30s); fields this plugin does
// not know, such as the task's resources, are ignored.
//
// Semantics (reference aurora.md 4.2 and 4.3, thermos planner.py):
//
//   - Each run of a process is `bash -c <cmdline>` with the sandbox as its
//     working directory, in its own process group, with stdout and stderr in
//     <sandbox>/.logs/<process>/<run>/{stdout,stderr} (runs count from 0).
//     If the sandbox holds .thermos_profile, bash loads it through BASH_ENV.
//   - A process starts when every process it is `after` has finished, and
//     no sooner than min_duration after its previous run ended; sequential
//     runs the processes in the order written. max_concurrency caps the
//     number of running processes (0 = no cap).
//   - Exit 0 finishes a process (a daemon is run again). A non-zero exit is
//     a failure; the process is run again until it has failed max_failures
//     times (0 = forever), then it is failed (an ephemeral one finished).
//   - The task is ACTIVE until every non-ephemeral ordinary process is done
//     (SUCCESS), the number of failed processes reaches the task's
//     max_failures (FAILED), or no process can run any more (FAILED). It
//     then CLEANs (SIGTERM to every process group), runs the final
//     processes (FINALIZING) and ends; cleaning and finalizing together get
//     finalization_wait, after which everything is SIGKILLed.
//   - Stop(grace) sends SIGTERM to every process group of the task and
//     SIGKILL after grace; it returns once no process of the task is alive.
//     Process groups left behind by processes that exited (background
//     children) are killed when the task ends.
//
// Checkpoints and recovery (reference aurora.md 4, Thermos's runner and
// coordinators): a task's processes do not depend on the plugin process.
// Each run is started by a coordinator, the plugin's own binary re-executed
// with AURORA_THERMOS_COORDINATOR=1 (see init in coordinator.go): it starts
// the process (killed if the coordinator dies, on Linux), waits for it and
// records how it ended. Coordinators join the process group of the plugin's
// host (the executor, which the agent kills with its container), not the
// plugin's, so a plugin that crashes or is killed leaves them running. The
// task's state lives in its sandbox:
//
//	.thermos/checkpoint.json   the task as started (configuration and
//	                           environment) and the runner's state: stage,
//	                           per process run count, state, failures, pid
//	                           and start time, coordinator, exit status;
//	                           replaced atomically (fsync, rename) on every
//	                           change
//	.thermos/runs/<process>/<run>/started.json
//	                           the process and its coordinator, each a pid
//	                           and a start time from /proc/<pid>/stat
//	.thermos/runs/<process>/<run>/exit.json
//	                           the exit code and signal, from the coordinator
//
// Recover, given the handle Start returned (its state names the sandbox),
// takes over a task of an earlier plugin instance: it reads the checkpoint,
// watches the running processes through their coordinators (a pid counts as
// the process only if its start time matches), records the runs that ended
// meanwhile from exit.json, adopts a run whose coordinator started after the
// last checkpoint, and drives the task on: retries, ordering, finalization,
// Stop and Wait as for any task. A run whose coordinator vanished without
// recording an exit is LOST and run again without counting as a failure.
package thermos
