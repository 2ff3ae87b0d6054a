# A job in a Docker container (Aurora's docker example): the executor runs
# the task's processes inside the image through the docker executor plugin,
# with docker run parameters, a host directory mounted read-write, the
# sandbox at /mnt/mesos/sandbox, and the host's network, so the process
# serves on its assigned port.
#
#   aurora job run examples/docker.hcl
#   aurora job run -var image=my/busybox:1.36 -var data_dir=/srv/data examples/docker.hcl
variable "image" {
  default = "busybox:latest"
}

variable "data_dir" {
  default = "/tmp/aurora-docker-data"
}

job "docker_hello" {
  cluster     = "local"
  role        = "www-data"
  environment = "devel"
  service     = true

  container {
    docker {
      image = var.image

      parameter {
        name  = "env"
        value = "GREETING=hello from docker"
      }
      volume {
        container_path = "/data"
        host_path      = var.data_dir
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
      cmdline = "echo \"$GREETING\" | tee /data/hello.txt && exec httpd -f -p {{thermos.ports[http]}} -h /data"
    }
  }
}
