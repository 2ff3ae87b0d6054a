// want: 6:15: 5000 exceeds the limit of 4000 instances per job
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 5000

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
