# A scheduler replica's configuration: `aurora scheduler -config scheduler.hcl`.
# Run three or five replicas with the same raft.peers list, or let them find
# each other in ZooKeeper (see the raft block).

data_dir       = "/var/lib/aurora/scheduler"
http_addr      = "0.0.0.0:8081"
advertise_http = "sched1.example.com:8081"  # what clients and other replicas use
cluster        = "prod"

raft {
  node_id          = "sched1"
  bind             = "10.0.0.11:8300"
  peers            = ["sched1=10.0.0.11:8300", "sched2=10.0.0.12:8300", "sched3=10.0.0.13:8300"]
  # Or, instead of peers (not both), discover the replicas in ZooKeeper:
  # each registers under zookeeper.raft_peers_path; a new cluster bootstraps
  # once bootstrap_expect have registered, and the leader adds any replica
  # that registers later (such as a replacement with an empty data_dir) as
  # a voter. Voters are never removed automatically.
  #   discovery        = "zookeeper"
  #   bootstrap_expect = 3
  apply_timeout    = "10s"
  election_timeout = "350ms"
}

# The leader announces itself as an Aurora serverset member here; clients
# find it through clusters.json's zk and scheduler_zk_path.
zookeeper {
  servers         = ["zk1.example.com:2181", "zk2.example.com:2181", "zk3.example.com:2181"]
  serverset_path  = "/aurora/scheduler"
  session_timeout = "10s"
  # With raft.discovery = "zookeeper": where replicas register (the
  # default is serverset_path + "/raft-peers").
  # raft_peers_path = "/aurora/scheduler/raft-peers"
}

mesos {
  master           = "zk://zk1.example.com:2181,zk2.example.com:2181,zk3.example.com:2181/mesos"
  framework_name   = "Aurora"
  user             = "root"
  failover_timeout = "504h"   # 21 days, as Aurora
}

executor {
  command = "/usr/local/bin/aurora executor"
  cpus    = 0.25
  mem_mb  = 128

  # Executors announce tasks with an announce block here, as serverset
  # members under /aurora/ROLE/ENV/JOB (Aurora's --announcer-* flags).
  announcer_zk                          = ["zk1.example.com:2181", "zk2.example.com:2181", "zk3.example.com:2181"]
  announcer_serverset_path              = "/aurora"
  announcer_allow_custom_serverset_path = false
  announcer_session_timeout             = "10s"

  # Where executors keep the catalog plugin binaries they fetch (executor
  # and discovery plugins), shared by an agent's executors; the default is
  # aurora-plugin-cache in the agent's work dir.
  plugin_cache_dir = "/var/cache/aurora-plugins"
}

backup {
  dir      = "/var/lib/aurora/backups"
  interval = "1h"
  keep     = 48
}

# Scheduling tunables, with Aurora's names and defaults (all optional).
scheduler {
  min_offer_hold_time          = "5m"
  offer_filter_duration        = "5s"
  # Not Aurora's: REVIVE when tasks wait for room the scheduler refused
  # (ACCEPT leftovers, declined offers), at most once per interval.
  # revive_offers = false never revives, as Aurora.
  revive_offers                = true
  min_revive_offers_interval   = "1s"
  flapping_task_threshold      = "5m"
  initial_flapping_task_delay  = "30s"
  max_flapping_task_delay      = "5m"
  initial_schedule_penalty     = "1s"
  max_schedule_penalty         = "1m"
  transient_task_state_timeout = "5m"
  history_prune_threshold      = "48h"
}
