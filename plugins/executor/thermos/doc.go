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
//     On Linux a process is killed if the plugin dies (Pdeathsig). If the
//     sandbox holds .thermos_profile, bash loads it through BASH_ENV.
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
// The executor keeps its tasks in memory: a restarted plugin has no tasks,
// and on Linux the processes of the old one were killed with it, so Recover
// succeeds only for tasks this plugin instance is running.
package thermos
