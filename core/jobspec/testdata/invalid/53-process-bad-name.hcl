// want: 13:5: process name "a/b" may contain only
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
    process "a/b" {
      cmdline = "./main"
    }
  }
}
