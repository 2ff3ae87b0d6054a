// want: 11:14: "lots" is not a size
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "lots"
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
