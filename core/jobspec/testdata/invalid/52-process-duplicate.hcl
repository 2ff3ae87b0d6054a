// want: 16:5: Process "main" was already defined
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
    }
    process "main" {
      cmdline = "./a"
    }
    process "main" {
      cmdline = "./b"
    }
  }
}
