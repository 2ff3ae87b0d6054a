// want: 10:26: "data" must be an absolute path
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  container {
    docker {
      image = "python:3"
      volume {
        container_path = "data"
        host_path      = "/srv/data"
      }
    }
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
