// want: 7:18: batch_size cannot be combined with a strategy block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    batch_size = 2
    strategy "batch" {}
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
