// want: 7:3: The argument "instances" was already set
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = 1
  instances = 2

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
