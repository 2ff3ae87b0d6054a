// want: 7:16: Invalid health_check.interval: must be greater than 0
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  health_check {
    interval = "0s"
  }

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
      ports = ["health"]
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
