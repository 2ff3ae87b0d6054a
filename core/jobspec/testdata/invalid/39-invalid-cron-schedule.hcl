// want: 7:16: day of week field: 9 is out of range 0-7
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  cron {
    schedule = "0 3 * * 9"
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
