// want: 7:3: Placement "zone-spread" was already given
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  placement "zone-spread" {}
  placement "zone-spread" {}

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
