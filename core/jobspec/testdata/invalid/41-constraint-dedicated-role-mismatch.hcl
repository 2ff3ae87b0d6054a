// want: 7:17: is dedicated to role "db_team", not this job's role "www-data"
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  constraints = {
    dedicated = "db_team/redis"
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
