// Package clusters reads Aurora's clusters.json (/etc/aurora, or
// $AURORA_CONFIG_ROOT, merged with ~/.aurora) and finds a cluster's
// scheduler: its scheduler_uri, or the leader's serverset member in
// ZooKeeper at scheduler_zk_path.
package clusters
