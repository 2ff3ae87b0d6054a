// want: 8:26: must be less than the number of instances (2)
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 2
  update {
    max_total_failures = 2
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
