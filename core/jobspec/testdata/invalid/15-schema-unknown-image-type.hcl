// want: 8:13: "oci" is not a known image type: use appc or docker
job "web" {
  cluster     = "local"
  role        = "www-data"
  environment = "prod"
  container {
    mesos {
      image "oci" {
        name = "x"
      }
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
