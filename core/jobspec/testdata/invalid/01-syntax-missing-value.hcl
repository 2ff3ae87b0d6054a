// want: 6:15: Invalid expression
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 

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
