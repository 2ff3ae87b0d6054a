// want: 7:5: The argument "image" is required in a docker block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  container {
    docker {}
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
