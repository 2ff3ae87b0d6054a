// want: 15:17: unknown process "setup"
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
      after   = ["setup"]
    }
  }
}
