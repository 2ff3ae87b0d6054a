// want: 6:13: There is no function named "shout"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  contact = shout("web")

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
