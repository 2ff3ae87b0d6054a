// want: 7:5: The argument "command" is required in a shell block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  health_check {
    shell {}
  }

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
