// want: 6:15: "instances" must be a whole number, not 1.5
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 1.5

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
