// want: 6:31: a dedicated constraint is one value
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  constraints = { dedicated = "limit:1" }

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
