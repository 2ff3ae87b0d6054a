// want: 6:16: production = true needs a production tier
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  production = true

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
