// want: 7:5: Blocks are not allowed here
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  placement "zone-spread" {
    zones {}
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
