// Package zookeeper is the built-in "zookeeper" discovery plugin: it
// publishes the endpoints of running tasks as Aurora/Finagle serverset
// members in ZooKeeper, so existing Aurora clients and Finagle resolvers
// find them (reference aurora.md 2.8 and 4.6, mesos.md 6.2).
//
// Every task is one member: an EPHEMERAL_SEQUENTIAL znode
// <path>/member_<10-digit sequence> holding
//
//	{"serviceEndpoint": {"host": "h", "port": 31001},
//	 "additionalEndpoints": {"http": {"host": "h", "port": 31001}, "aurora": {...}},
//	 "status": "ALIVE", "shard": 0}
//
// where path is <serverset_path>/<role>/<environment>/<job> (serverset_path
// is /aurora by default), or the job's zk_path when the configuration
// allows custom paths. The endpoints of a task are announced one port at a
// time, keyed by (task id, port name), as the SDK's discovery kind does;
// the endpoint whose Metadata["primary"] is "true" is the member's
// serviceEndpoint and every endpoint is an additionalEndpoint.
//
// Members are ephemeral: they vanish when the session ends, so a task whose
// executor dies (kill -9) disappears within the session timeout. While the
// plugin runs it keeps its members: a member deleted by someone else, or
// lost with an expired session, is created again (Aurora's announcer
// rejoins the same way).
//
// Configuration (JSON): {"servers": ["zk1:2181", ...], "session_timeout":
// "10s", "serverset_path": "/aurora", "allow_custom_serverset_path": false}.
//
// The Registry type has the shape of the SDK's discovery kind (Announce,
// Withdraw, List, idempotent by endpoint key); until that kind is in the
// SDK the executor uses it in process.
package zookeeper
