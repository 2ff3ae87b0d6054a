// want: 6:10: "gold" is not a tier
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  tier = "gold"

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
