// Package api is the scheduler's HTTP JSON API (/v1/...), its health
// endpoints, and the Go client the CLI uses.
//
// Bad requests get a 4xx with a JSON body {"error": "...", "details": [...]}
// that says what is wrong; nothing is changed by a rejected request.
//
// Endpoints (writes are the leader's; a follower's server forwards them):
//
//	GET  /health, /leaderhealth
//	POST /v1/jobs                                   create a job
//	GET  /v1/jobs?pattern=ROLE/ENV/NAME             list jobs (globs)
//	GET  /v1/jobs/{role}/{env}/{name}               a job and its tasks
//	POST /v1/jobs/{role}/{env}/{name}/kill          kill instances (Aurora's killTasks)
//	POST /v1/jobs/{role}/{env}/{name}/restart       restart instances (restartShards)
//	POST /v1/jobs/{role}/{env}/{name}/instances     add instances (addInstances)
//	GET  /v1/tasks?role=&env=&name=&status=&instances=&task_id=   query tasks
//	GET  /v1/quotas/{role}                          quota and consumption (getQuota)
//	POST /v1/admin/quotas/{role}                    set a quota (setQuota)
//	POST /v1/admin/prune                            delete terminal tasks (pruneTasks)
//	POST /v1/admin/reconcile                        reconcile with Mesos now
//
// The plugin catalog (served by core/server, which owns the plugin host;
// the client methods are here):
//
//	GET    /v1/plugins                                    the catalog
//	GET    /v1/plugins/{kind}/{name}                      every version and the one in use
//	POST   /v1/plugins/blobs/{sha256}                     upload a binary (refused unless it hashes to sha256)
//	GET    /v1/plugins/blobs/{sha256}                     download a stored binary (replicas sync from the leader)
//	POST   /v1/plugins                                    register an uploaded binary (RegisterPluginRequest)
//	POST   /v1/plugins/{kind}/{name}/{version}/enable     also disable, pin; version "-": the only or pinned one
//	POST   /v1/plugins/{kind}/{name}/reload               restart the leader's process of the plugin
//	DELETE /v1/plugins/{kind}/{name}/{version}            deregister a disabled, unpinned entry
package api
