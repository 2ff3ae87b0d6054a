// want: 12:15: port name "a b" may contain only
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
      ports = ["http", "a b"]
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
