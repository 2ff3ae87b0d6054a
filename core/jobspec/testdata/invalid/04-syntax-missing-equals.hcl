// want: 6:3: An argument or block definition is required here
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  instances 2

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
