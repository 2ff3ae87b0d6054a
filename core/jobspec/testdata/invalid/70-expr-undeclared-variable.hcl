// want: 6:18: This object does not have an attribute named "count"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = var.count

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
