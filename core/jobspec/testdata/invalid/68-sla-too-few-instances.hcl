// want: 8:3: needs at least 20 instances, and the job has 3
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 3
  tier      = "preferred"
  sla_policy "count" {
    count    = 1
    duration = "5m"
  }

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
