// want: 13:13: Missing name for process
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
    process {
      cmdline = "./main"
    }
  }
}
