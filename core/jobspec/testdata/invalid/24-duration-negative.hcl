// want: 7:13: "-1s" must not be negative
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    watch = "-1s"
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
