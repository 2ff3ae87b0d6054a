// want: 2:1: The argument "role" is required in a job block
job "web" {
  cluster     = "local"
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
  }
}
