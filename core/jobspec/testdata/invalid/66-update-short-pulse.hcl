// want: 7:22: a coordinated update needs at least 1m0s
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    pulse_interval = "10s"
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
