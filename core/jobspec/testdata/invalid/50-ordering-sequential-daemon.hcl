// want: 8:18: process "b" cannot run after daemon process "a"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    sequential = true
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
    }
    process "a" {
      cmdline = "./a"
      daemon  = true
    }
    process "b" {
      cmdline = "./b"
    }
  }
}
