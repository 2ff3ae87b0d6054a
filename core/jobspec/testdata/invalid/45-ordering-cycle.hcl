// want: 15:17: process ordering has a cycle: a -> b -> a
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
    process "a" {
      cmdline = "./a"
      after   = ["b"]
    }
    process "b" {
      cmdline = "./b"
      after   = ["a"]
    }
  }
}
