# An HTTP service (Aurora's hello world service with a health check): two
# instances, each serving on a named port, health-checked over HTTP on a
# second port, stopped gracefully through /quitquitquit and announced in
# ZooKeeper.
#
#   aurora job run examples/http_service.hcl
job "http_example" {
  cluster     = "local"
  role        = "www-data"
  environment = "devel"
  service     = true
  instances   = 2
  tier        = "preferred"
  contact     = "www-data@example.com"

  update {
    batch_size          = 1
    watch               = "30s"
    max_total_failures  = 1
    rollback_on_failure = true
  }

  health_check {
    initial_interval         = "15s"
    interval                 = "10s"
    timeout                  = "1s"
    max_consecutive_failures = 3

    http {
      port              = "health"
      endpoint          = "/health"
      expected_response = "ok"
    }
  }

  lifecycle {
    http {
      port                       = "health"
      graceful_shutdown_endpoint = "/quitquitquit"
      shutdown_endpoint          = "/abortabortabort"
      graceful_shutdown_wait     = "5s"
      shutdown_wait              = "5s"
    }
  }

  announce {
    primary_port = "http"
    portmap = {
      aurora = "http"
      health = "health"
    }
  }

  task "server" {
    resources {
      cpu   = 0.25
      ram   = "64MB"
      disk  = "64MB"
      ports = ["http", "health"]
    }

    # The ports are bound by the executor: {{thermos.ports[NAME]}} becomes
    # the port number Mesos offered.
    process "server" {
      cmdline = <<-EOT
        exec python3 - {{thermos.ports[http]}} {{thermos.ports[health]}} <<'PY'
        import http.server, os, sys, threading
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = b"ok" if self.path == "/health" else b"hello from instance {{mesos.instance}}\n"
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)
            def do_POST(self):
                self.send_response(200)
                self.end_headers()
                if self.path in ("/quitquitquit", "/abortabortabort"):
                    threading.Thread(target=lambda: os._exit(0)).start()
        for port in sys.argv[1:]:
            server = http.server.ThreadingHTTPServer(("", int(port)), Handler)
            threading.Thread(target=server.serve_forever).start()
        PY
      EOT
    }
  }
}
