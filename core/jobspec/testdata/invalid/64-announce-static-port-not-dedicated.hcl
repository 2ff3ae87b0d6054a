// want: 7:43: only a dedicated job may announce static ports
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  announce {
    portmap = { aurora = "http", legacy = 8080 }
  }

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
      ports = ["http"]
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
