// want: 7:3: a cron job cannot be a service
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service = true
  cron {
    schedule = "*/5 * * * *"
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
