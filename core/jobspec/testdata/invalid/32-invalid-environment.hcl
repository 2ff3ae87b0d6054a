// want: 5:17: Invalid environment: "prd" is not an Aurora environment
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prd"

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
