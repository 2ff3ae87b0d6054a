// want: 19:17: cannot run after daemon process "server"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    resources {
      cpu  = 0.5
      ram  = "64MB"
      disk = "64MB"
    }
    process "server" {
      cmdline = "./server"
      daemon  = true
    }
    process "client" {
      cmdline = "./client"
      after   = ["server"]
    }
  }
}
