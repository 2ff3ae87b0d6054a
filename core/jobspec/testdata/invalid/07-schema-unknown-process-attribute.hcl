// want: 15:7: An argument named "user" is not expected here
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
      user = "root"
    }
  }
}
