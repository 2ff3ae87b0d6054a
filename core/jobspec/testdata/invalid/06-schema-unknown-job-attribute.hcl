// want: 6:3: An argument named "colour" is not expected here
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  colour = "red"

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
