package scheduling

import (
	"fmt"
	"regexp"

	"github.com/google/uuid"

	"github.com/aurora-go/aurora/core/spec"
)

var nonWord = regexp.MustCompile(`[^\w-]`)

// newTaskID builds Aurora's task id: <role>-<env>-<name>-<instance>-<uuid>,
// with characters outside [\w-] replaced by '-'.
func newTaskID(k spec.JobKey, instance int) string {
	id := fmt.Sprintf("%s-%s-%s-%d-%s", k.Role, k.Environment, k.Name, instance, uuid.NewString())
	return nonWord.ReplaceAllString(id, "-")
}

// executorID is Aurora's executor id for a task: one executor per task.
func executorID(taskID string) string { return "thermos-" + taskID }
