job "hello" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  service     = true
  instances   = 1

  task {
    resources {
      cpu  = 0.5
      ram  = "128MB"
      disk = "128MB"
    }
    process "hello" {
      cmdline = "while true; do echo hello world; sleep 10; done"
    }
  }
}
