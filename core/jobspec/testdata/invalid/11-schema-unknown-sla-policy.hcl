// want: 6:14: "best_effort" is not a known sla_policy type: use coordinator, count or percentage
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  sla_policy "best_effort" {}

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
