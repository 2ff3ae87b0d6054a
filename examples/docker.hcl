# A job in a Docker container (Aurora's docker example): the executor runs
# the task's processes inside the image, with docker run parameters and a
# host directory mounted read-write.
#
#   aurora job run examples/docker.hcl
job "docker_hello" {
  cluster     = "local"
  role        = "www-data"
  environment = "devel"
  service     = true

  container {
    docker {
      image = "python:3.12-slim"

      parameter {
        name  = "env"
        value = "GREETING=hello from docker"
      }
      volume {
        container_path = "/data"
        host_path      = "/tmp/aurora-docker-data"
        mode           = "RW"
      }
    }
  }

  task {
    resources {
      cpu  = 0.5
      ram  = "128MB"
      disk = "256MB"
    }
    process "hello" {
      cmdline = "echo \"$GREETING\" > /data/hello.txt && exec python3 -m http.server {{thermos.ports[http]}}"
    }
  }
}
