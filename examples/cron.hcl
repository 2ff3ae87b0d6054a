# A cron job (Aurora's cron example): a batch job that runs every five
# minutes. If the previous run is still going, the new run is skipped
# (CANCEL_NEW); Aurora's default, KILL_EXISTING, would replace it.
#
#   aurora job run examples/cron.hcl
job "cron_hello" {
  cluster           = "local"
  role              = "www-data"
  environment       = "devel"
  max_task_failures = 2

  cron {
    schedule         = "*/5 * * * *"
    collision_policy = "CANCEL_NEW"
  }

  task {
    resources {
      cpu  = 0.1
      ram  = "16MB"
      disk = "16MB"
    }
    process "report" {
      cmdline = "date -u; echo 'cron run of {{role}}/{{environment}}/{{name}} on {{mesos.hostname}}'"
    }
  }
}
