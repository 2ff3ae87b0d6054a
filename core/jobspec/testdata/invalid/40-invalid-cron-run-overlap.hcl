// want: 8:24: RUN_OVERLAP is deprecated
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  cron {
    schedule         = "0 3 * * *"
    collision_policy = "RUN_OVERLAP"
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
