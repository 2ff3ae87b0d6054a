// Package testexec is a small Mesos custom executor for tests, written
// against mesos-go's v1 executor API (httpexec) as a real executor is. A test
// binary becomes it when an agent runs it with the environment that
// ExecutorInfo sets: its TestMain calls Main when IsExecutor reports true.
//
//	func TestMain(m *testing.M) {
//		if testexec.IsExecutor() {
//			os.Exit(testexec.Main())
//		}
//		os.Exit(m.Run())
//	}
//
// What a task does is chosen by its TaskInfo.data (see Behaviour). Every
// status update carries a fresh version 4 uuid and is kept until the agent
// sends ACKNOWLEDGED. With MESOS_CHECKPOINT=1 the executor survives the loss
// of its agent: it subscribes again with backoff up to
// MESOS_SUBSCRIPTION_BACKOFF_MAX, sending its unacknowledged tasks and
// updates, for at most MESOS_RECOVERY_TIMEOUT; without checkpointing it
// exits when its stream ends.
package testexec
