// want: 8:36: "quitquitquit" must be a path
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  lifecycle {
    http {
      graceful_shutdown_endpoint = "quitquitquit"
    }
  }

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
      ports = ["health"]
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
