// want: 8:7: An argument named "batch_sizes" is not expected here
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    strategy "queue" {
      batch_sizes = [1, 2]
    }
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
