// want: 19:17: only an ephemeral process may depend on an ephemeral one
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
    process "sidecar" {
      cmdline   = "./sidecar"
      ephemeral = true
    }
    process "main" {
      cmdline = "./main"
      after   = ["sidecar"]
    }
  }
}
