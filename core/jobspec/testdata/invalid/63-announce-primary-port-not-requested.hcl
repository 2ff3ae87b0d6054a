// want: 7:20: port "http" is not requested by the task
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  announce {
    primary_port = "http"
  }

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
