// want: 19:17: final processes run after every ordinary process
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
    process "cleanup" {
      cmdline = "./cleanup"
      final   = true
    }
    process "main" {
      cmdline = "./main"
      after   = ["cleanup"]
    }
  }
}
