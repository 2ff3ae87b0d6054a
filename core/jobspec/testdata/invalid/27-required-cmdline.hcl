// want: 13:5: The argument "cmdline" is required in a process block
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
      daemon = true
    }
  }
}
