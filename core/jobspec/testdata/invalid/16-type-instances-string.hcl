// want: 6:15: Inappropriate value for attribute "instances": a number is required
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances = "many"

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
