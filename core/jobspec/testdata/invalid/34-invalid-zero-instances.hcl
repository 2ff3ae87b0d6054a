// want: 6:15: Invalid instances: must be at least 1, not 0
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 0

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
