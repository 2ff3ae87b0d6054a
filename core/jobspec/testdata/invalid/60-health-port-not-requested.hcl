// want: 8:14: port "admin" is not requested by the task
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  health_check {
    http {
      port = "admin"
    }
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
