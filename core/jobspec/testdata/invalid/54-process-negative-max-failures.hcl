// want: 15:22: must be at least 0 (0 means retry forever)
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
    }
    process "main" {
      cmdline      = "./main"
      max_failures = -1
    }
  }
}
