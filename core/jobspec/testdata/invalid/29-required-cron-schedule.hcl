// want: 6:3: The argument "schedule" is required in a cron block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  cron {
    collision_policy = "CANCEL_NEW"
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
