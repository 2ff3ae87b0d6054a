// want: 8:5: Blocks of type "health_check" are not expected here
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    health_check {}
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
