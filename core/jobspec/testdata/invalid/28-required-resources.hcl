// want: 7:3: A task block needs exactly one resources block
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"

  task {
    process "main" {
      cmdline = "./main"
    }
  }
}
