// want: 6:17: element "host": string required
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  constraints = { host = ["a"] }

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
