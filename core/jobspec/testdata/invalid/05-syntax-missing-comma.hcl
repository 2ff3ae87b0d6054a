// want: 12:23: Expected a comma to mark the beginning of the next item
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
      ports = ["http" "admin"]
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
