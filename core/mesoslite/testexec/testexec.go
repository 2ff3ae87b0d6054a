package testexec

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// Environment of the executor process.
const (
	EnvExecutor = "MESOS_TESTEXEC"       // "1": run as the test executor
	EnvCodec    = "MESOS_TESTEXEC_CODEC" // "json" or "protobuf" (default)
	EnvMode     = "MESOS_TESTEXEC_MODE"  // ModeIgnoreShutdown or empty
)

// ModeIgnoreShutdown makes the executor ignore SHUTDOWN, so the agent has
// to kill it after the grace period.
const ModeIgnoreShutdown = "ignore-shutdown"

// Behaviour is what a task does, set as its TaskInfo.data.
type Behaviour string

const (
	// Run sends TASK_STARTING then TASK_RUNNING, whose data is the
	// executor's MESOS* environment as a JSON object, and runs until killed.
	Run Behaviour = ""
	// Finish sends TASK_STARTING, TASK_RUNNING and TASK_FINISHED.
	Finish Behaviour = "finish"
	// Fail sends TASK_STARTING and TASK_FAILED.
	Fail Behaviour = "fail"
	// Exit sends TASK_STARTING and TASK_RUNNING, then the executor exits
	// with status 3 (executor loss).
	Exit Behaviour = "exit"
)

// IsExecutor reports whether this process was started as the test executor.
func IsExecutor() bool { return os.Getenv(EnvExecutor) == "1" }

// Options describe a test executor.
type Options struct {
	Codec string // "json" or "protobuf" (default)
	Mode  string // ModeIgnoreShutdown or empty
	// Resources of the executor itself; default cpus 0.1, mem 32.
	Resources []mesos.Resource
	// BinaryURL, when set, is where the agent fetches the executor binary
	// from (for an agent on another machine); else the agent runs this
	// binary (os.Executable) in place.
	BinaryURL string
}

// ExecutorInfo is a CUSTOM executor that runs this test binary as the test
// executor.
func ExecutorInfo(id string, opts Options) (*mesos.ExecutorInfo, error) {
	codec := opts.Codec
	if codec == "" {
		codec = "protobuf"
	}
	env := []mesos.Environment_Variable{envVar(EnvExecutor, "1"), envVar(EnvCodec, codec)}
	// A race-enabled test binary sleeps a second at exit by default, which
	// an agent would count against the executor's shutdown grace period.
	if race := os.Getenv("GORACE"); !strings.Contains(race, "atexit_sleep_ms") {
		env = append(env, envVar("GORACE", strings.TrimSpace(race+" atexit_sleep_ms=0")))
	}
	if opts.Mode != "" {
		env = append(env, envVar(EnvMode, opts.Mode))
	}
	shell := false
	cmd := &mesos.CommandInfo{Shell: &shell, Environment: &mesos.Environment{Variables: env}}
	if opts.BinaryURL != "" {
		value, out, executable := "./testexec", "testexec", true
		cmd.Value = &value
		cmd.Arguments = []string{value, "-test.run=^$"}
		cmd.URIs = []mesos.CommandInfo_URI{{Value: opts.BinaryURL, Executable: &executable, OutputFile: &out}}
	} else {
		bin, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("testexec: finding the test binary: %w", err)
		}
		bin, _ = filepath.Abs(bin)
		cmd.Value = &bin
		cmd.Arguments = []string{bin, "-test.run=^$"}
	}
	res := opts.Resources
	if res == nil {
		res = []mesos.Resource{Scalar("cpus", 0.1), Scalar("mem", 32)}
	}
	name := "testexec " + id
	return &mesos.ExecutorInfo{
		ExecutorID: mesos.ExecutorID{Value: id},
		Name:       &name,
		Command:    cmd,
		Resources:  res,
	}, nil
}

// Scalar is an unreserved scalar resource in the pre-MULTI_ROLE format.
func Scalar(name string, v float64) mesos.Resource {
	t := mesos.SCALAR
	role := "*"
	return mesos.Resource{Name: name, Type: &t, Scalar: &mesos.Value_Scalar{Value: v}, Role: &role}
}

func envVar(name, value string) mesos.Environment_Variable {
	return mesos.Environment_Variable{Name: name, Value: &value}
}

// NewUUID is a random version 4 uuid as Mesos requires for status updates
// and acknowledgements.
func NewUUID() []byte {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return b
}

// mesosEnvJSON is the MESOS* environment as a JSON object.
func mesosEnvJSON() []byte {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MESOS") {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	b, _ := json.Marshal(env)
	return b
}
