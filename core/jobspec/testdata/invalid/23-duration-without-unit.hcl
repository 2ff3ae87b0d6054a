// want: 8:25: "30" is not a duration
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    finalization_wait = 30
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
