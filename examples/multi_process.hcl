# A task of several processes with ordering and a final process (Aurora's
# order(...) and final processes):
#
#   fetch ──▶ build ──▶ test
#   heartbeat            (ephemeral daemon: runs alongside, restarted when
#                         it exits, and not waited for)
#   cleanup              (final: runs once the others have finished, or
#                         when the task is killed)
#
#   aurora job run examples/multi_process.hcl
job "pipeline" {
  cluster           = "local"
  role              = "www-data"
  environment       = "devel"
  max_task_failures = 1

  task "pipeline" {
    max_failures      = 1
    max_concurrency   = 2
    finalization_wait = "30s"

    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "128MB"
    }

    process "fetch" {
      cmdline      = "mkdir -p src && echo 'int main(void) { return 0; }' > src/main.c"
      max_failures = 3
    }
    process "build" {
      cmdline = "cp src/main.c build.c && echo built"
      after   = ["fetch"]
    }
    process "test" {
      cmdline = "test -s build.c && echo tested"
      after   = ["build"]
    }
    process "heartbeat" {
      cmdline      = "echo alive; sleep 5"
      daemon       = true
      ephemeral    = true
      min_duration = "5s"
      logger {
        mode = "rotate"
        rotate {
          log_size = "1MB"
          backups  = 2
        }
      }
    }
    process "cleanup" {
      cmdline = "rm -rf src build.c; echo cleaned up"
      final   = true
    }
  }
}
