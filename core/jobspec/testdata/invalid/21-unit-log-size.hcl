// want: 18:22: "10 parsecs" has unknown unit "parsecs"
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
      cmdline = "./main"
      logger {
        mode = "rotate"
        rotate {
          log_size = "10 parsecs"
        }
      }
    }
  }
}
