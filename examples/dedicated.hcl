# A job on dedicated hosts (Aurora's dedicated example): it runs only on
# agents started with --attributes=dedicated:www-data/redis, and only jobs
# with this constraint run there. The role part of the value must be the
# job's role (or *). A dedicated job may announce static ports.
#
#   aurora job run examples/dedicated.hcl
job "redis" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  instances   = 1
  tier        = "preferred"

  constraints = {
    dedicated = "www-data/redis"
  }

  announce {
    primary_port = "redis"
    portmap = {
      aurora = "redis"
      legacy = 6379
    }
  }

  task {
    resources {
      cpu  = 1
      ram  = "1GB"
      disk = "2GB"
    }
    process "redis" {
      cmdline = "redis-server --port {{thermos.ports[redis]}} --dir ."
    }
  }
}
