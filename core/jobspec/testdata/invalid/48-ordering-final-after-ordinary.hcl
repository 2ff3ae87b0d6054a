// want: 19:17: a final process may depend only on other final processes
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
    }
    process "cleanup" {
      cmdline = "./cleanup"
      final   = true
      after   = ["main"]
    }
  }
}
