package thermos

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aurora-go/aurora/sdk"
)

// profileName is Thermos's per-sandbox bash profile, loaded through
// BASH_ENV when present.
const profileName = ".thermos_profile"

// taskEnv returns the environment of a task's processes: the plugin's own
// environment without go-plugin's variables, with the request's variables
// merged over it, and BASH_ENV pointing at the sandbox's .thermos_profile if
// there is one.
func taskEnv(base []string, overrides map[string]string, sandbox string) []string {
	vars := make(map[string]string, len(base)+len(overrides)+1)
	for _, kv := range base {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || isPluginVar(k) {
			continue
		}
		vars[k] = v
	}
	for k, v := range overrides {
		vars[k] = v
	}
	if _, set := overrides["BASH_ENV"]; !set {
		profile := filepath.Join(sandbox, profileName)
		if fi, err := os.Stat(profile); err == nil && fi.Mode().IsRegular() {
			vars["BASH_ENV"] = profile
		}
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}

// isPluginVar reports variables that go-plugin set for this plugin process;
// they must not leak into the task.
func isPluginVar(k string) bool {
	return k == sdk.Handshake.MagicCookieKey || strings.HasPrefix(k, "PLUGIN_") || k == sdk.LogLevelEnv
}
