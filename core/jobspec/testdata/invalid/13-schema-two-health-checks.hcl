// want: 7:3: Duplicate health_check block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  health_check {}
  health_check {}

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
