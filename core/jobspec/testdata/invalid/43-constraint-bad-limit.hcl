// want: 6:26: a limit must be limit:N with N a positive integer
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  constraints = { host = "limit:0" }

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
