// want: 10:14: "12XB" has unknown unit "XB"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "12XB"
      disk = "64MB"
    }
    process "main" {
      cmdline = "./main"
    }
  }
}
