// want: 16:23: "syslog" is not a log destination
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
      logger {
        destination = "syslog"
      }
    }
  }
}
