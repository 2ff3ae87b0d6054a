// Package jobspec reads HCL job files into spec.Jobs.
//
// # Files, variables and templates
//
// A job file holds one or more job blocks, and may declare variable blocks
// (read as var.NAME) and locals blocks (read as local.NAME). Expressions may
// call the HCL standard functions (upper, format, join, concat, min, ...).
// Variable values come, lowest precedence first, from a variable's default,
// the environment (AURORA_VAR_<name>), var files (Options.VarFiles, in
// order) and -var flags (Options.Vars).
//
// HCL's ${...} and %{...} are evaluated when the file is parsed; Aurora's
// {{...}} runtime templates are literal text to HCL and pass through to the
// job untouched, for the executor to bind: {{mesos.instance}},
// {{mesos.hostname}}, {{thermos.task_id}}, {{thermos.ports[NAME]}},
// {{role}}, {{environment}}, {{name}} and {{cluster}}. A port template
// also requests the port, as in Aurora. Any other {{NAME}} is an error
// unless Options.Binds gives it a value (Aurora's --bind NAME=VALUE).
// Runtime templates are bound only in process cmdlines and shell health
// checks; in the other templated fields (announce zk_path, container
// images, docker parameter values, volume paths, the SLA coordinator URL)
// {{role}}, {{environment}}, {{name}} and {{cluster}} are bound when the
// file is parsed and other runtime names are an error. Aurora's deprecated
// {{thermos.user}}, {{mesos.role}} and {{mesos.cluster}} are rewritten to
// {{role}} and {{cluster}}.
//
// # The job block
//
// Aurora's structs become blocks, and its *_secs integers become duration
// strings ("45s", "1m30s"); sizes take Aurora's 1024-based units ("128MB",
// "1GB") or a number of bytes. Every argument below is optional unless
// marked required; the values shown are Aurora's defaults, so writing a
// block empty (update {}, health_check {}) gives Aurora's default settings,
// and an argument written as 0 or false is kept as written (max_failures =
// 0 means retry forever).
//
//	job "web" {                              # the job name (label)
//	  cluster           = "us-east"          # required
//	  role              = "www-data"         # required
//	  environment       = "prod"             # required: prod, devel, test, staging<N>
//	  service           = false
//	  instances         = 1                  # 1 to 4000
//	  tier              = "preemptible"      # preemptible, preferred or revocable
//	  priority          = 0
//	  max_task_failures = 1                  # -1: unlimited
//	  production        = false              # deprecated: set from the tier
//	  contact           = "web@example.com"
//	  enable_hooks      = false
//	  metadata          = { team = "web" }
//
//	  constraints = {                        # Aurora's constraint strings
//	    host      = "limit:1"                # at most 1 instance per host value
//	    zone      = "us-east-1a,us-east-1b"  # one of these values
//	    os        = "!windows"               # none of these values
//	    dedicated = "www-data/web"           # ROLE/NAME or */NAME; ROLE is the job's
//	  }
//	  placement "zone-spread" {              # a site constraint plugin's block:
//	    max_skew = 1                         # its arguments go to the plugin as JSON
//	  }
//	  executor "thermos" {}                  # the executor plugin and its arguments
//
//	  cron {                                 # a cron job; not with service = true
//	    schedule         = "*/5 * * * *"     # required: five crontab fields
//	    collision_policy = "KILL_EXISTING"   # or CANCEL_NEW
//	  }
//
//	  update {
//	    batch_size                = 1        # legacy; not above 1 with a strategy
//	    watch                     = "45s"
//	    max_per_shard_failures    = 0
//	    max_total_failures        = 0        # less than instances
//	    rollback_on_failure       = true
//	    wait_for_batch_completion = false    # legacy for strategy "batch"
//	    pulse_interval            = "60s"    # unset: not coordinated; at least 60s
//	    sla_aware                 = false    # needs sla_policy
//	    strategy "queue" {                   # queue | batch | variable_batch
//	      batch_size = 1                     # queue, batch
//	    }                                    # batch_sizes = [1, 5], autopause_after_batch
//	  }
//
//	  health_check {                         # unwritten: HTTP on the "health" port, if requested
//	    initial_interval          = "15s"
//	    interval                  = "10s"
//	    timeout                   = "1s"
//	    max_consecutive_failures  = 0
//	    min_consecutive_successes = 1
//	    http {                               # the default checker; or:
//	      port                   = "health"  # must be a requested port
//	      endpoint               = "/health"
//	      expected_response      = "ok"      # "": do not check the body
//	      expected_response_code = 0         # 0: do not check the status
//	    }
//	    # shell { command = "pgrep web" }    # command required
//	  }
//
//	  lifecycle {                            # unwritten: as below, if "health" is requested
//	    http {                               # lifecycle {} without http disables it
//	      port                       = "health"
//	      graceful_shutdown_endpoint = "/quitquitquit"
//	      shutdown_endpoint          = "/abortabortabort"
//	      graceful_shutdown_wait     = "5s"
//	      shutdown_wait              = "5s"
//	    }
//	  }
//
//	  announce {
//	    primary_port = "http"                # must be a requested port
//	    portmap      = { aurora = "http" }   # name = requested port, or a static
//	    zk_path      = "/aurora/web"         #   port number (dedicated jobs only)
//	  }
//
//	  partition_policy {
//	    reschedule = true
//	    delay      = "0s"
//	  }
//
//	  sla_policy "percentage" {              # needs a production tier and 20+ instances
//	    percentage = 95                      # count: count = N; coordinator:
//	    duration   = "30m"                   #   coordinator_url, status_key = "drain"
//	  }
//
//	  container {                            # docker or mesos
//	    docker {
//	      image = "python:3"                 # required
//	      parameter {                        # docker run --NAME=VALUE, repeatable
//	        name  = "env"
//	        value = "GREETING=hello"
//	      }
//	      volume {
//	        container_path = "/data"         # required, absolute
//	        host_path      = "/srv/data"     # required, absolute
//	        mode           = "RO"            # or RW
//	      }
//	    }
//	    # mesos {
//	    #   image "docker" {                 # or image "appc" { name, image_id }
//	    #     name = "busybox"               # required
//	    #     tag  = "latest"
//	    #   }
//	    #   volume { ... }
//	    # }
//	  }
//
//	  task "web" {                           # label optional: the first process's name
//	    max_failures      = 1                # failed processes that fail the task; 0: unlimited
//	    max_concurrency   = 0                # 0: unlimited
//	    finalization_wait = "30s"
//	    sequential        = false            # run each stage's processes in order
//
//	    resources {
//	      cpu   = 1                          # required
//	      ram   = "128MB"                    # required
//	      disk  = "1GB"                      # required
//	      gpu   = 0
//	      ports = ["http", "health"]         # also requested by {{thermos.ports[NAME]}}
//	    }
//
//	    process "setup" {
//	      cmdline = "./fetch-assets"
//	    }
//	    process "web" {
//	      cmdline      = "./web --port={{thermos.ports[http]}}"   # required
//	      max_failures = 1                   # 0: retry forever
//	      daemon       = false
//	      ephemeral    = false
//	      final        = false
//	      min_duration = "5s"
//	      after        = ["setup"]           # Aurora's order(...)
//	      logger {                           # unwritten: the executor's default
//	        destination = "file"             # file, console, both, none
//	        mode        = "rotate"           # default "standard" (unbounded)
//	        rotate {                         # mode = "rotate" only
//	          log_size = "100MB"
//	          backups  = 5
//	        }
//	      }
//	    }
//	  }
//	}
//
// Aurora's task_links (unsupported in Aurora) and its Process resources
// (reserved and unused) have no counterpart.
//
// # Diagnostics
//
// Decoding uses HCL's own schema and type conversion, so unknown arguments,
// blocks and wrongly typed values are reported where they are written. Each
// job is decoded into spec.NewJob's defaults, its {{...}} bindings are
// applied, then it gets spec's remaining defaults (Job.ApplyDefaults) and is
// checked by Job.Validate; each spec.FieldError is mapped back to the
// attribute (a map's entry, or, when the attribute is absent, the
// enclosing block) it is about. Every problem is therefore reported as
// FILE:LINE:COL, gathered in one *Error. testdata/invalid holds a corpus
// of invalid files, each starting with a "// want: LINE:COL: FRAGMENT"
// line that says where its one problem is reported and what it says.
package jobspec
