// want: 7:14: "random" is not a known strategy type: use batch, queue or variable_batch
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  update {
    strategy "random" {}
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
