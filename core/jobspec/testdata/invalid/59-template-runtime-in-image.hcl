// want: 8:15: {{mesos.instance}} is bound by the executor
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  container {
    docker {
      image = "app:{{mesos.instance}}"
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
