// want: 8:21: "batch_sizes": element 1 must be a whole number
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    strategy "variable_batch" {
      batch_sizes = [1, 2.5]
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
