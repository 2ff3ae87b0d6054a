//go:build linux

package e2e

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// Aurora's recovery workflow through the admin verbs: back up, change the
// state, stage the backup, edit it, commit it.
func TestAdminBackupAndRecovery(t *testing.T) {
	dev := startDev(t, t.TempDir())
	pending := func(name string) string {
		// More cpus than the agent has: the job stays PENDING.
		path := writeJob(t, name, true, 2, "true")
		b, _ := os.ReadFile(path)
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), "cpu  = 0.1", "cpu  = 1000", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dev.mustRun(t, "job", "run", "-detach", pending("kept"))
	dev.mustRun(t, "job", "run", "-detach", pending("edited"))

	var backup struct{ ID string }
	mustJSON(t, dev.mustRun(t, "admin", "scheduler_backup_now", "local"), &backup)
	if !strings.HasPrefix(backup.ID, "scheduler-backup-") {
		t.Fatalf("backup id = %q", backup.ID)
	}
	var list struct{ Backups []string }
	mustJSON(t, dev.mustRun(t, "admin", "scheduler_list_backups", "local"), &list)
	if len(list.Backups) != 1 || list.Backups[0] != backup.ID {
		t.Fatalf("backups = %v, want [%s]", list.Backups, backup.ID)
	}

	// Change the live state after the backup.
	dev.mustRun(t, "job", "run", "-detach", pending("after-backup"))
	dev.mustRun(t, "admin", "scheduler_snapshot", "local")

	dev.mustRun(t, "admin", "scheduler_stage_recovery", "local", backup.ID)
	var staged struct {
		Tasks []struct {
			ID       string `json:"id"`
			JobKey   string `json:"job_key"`
			Instance int    `json:"instance"`
		}
	}
	mustJSON(t, dev.mustRun(t, "admin", "scheduler_print_recovery_tasks", "local"), &staged)
	if len(staged.Tasks) != 4 {
		t.Fatalf("staged recovery holds %d active tasks, want 4 (2 jobs x 2)", len(staged.Tasks))
	}
	var drop string
	for _, task := range staged.Tasks {
		if task.JobKey == "www-data/prod/edited" && task.Instance == 1 {
			drop = task.ID
		}
	}
	dev.mustRun(t, "admin", "scheduler_delete_recovery_tasks", "local", drop)
	dev.mustRun(t, "admin", "scheduler_commit_recovery", "local")

	jobs := strings.Fields(dev.mustRun(t, "job", "list"))
	if strings.Join(jobs, " ") != "local/www-data/prod/edited local/www-data/prod/kept" {
		t.Fatalf("jobs after recovery = %v, want edited and kept only", jobs)
	}
	edited := dev.status(t, "local/www-data/prod/edited")
	if len(edited.Tasks) != 1 || edited.Tasks[0].Instance != 0 {
		t.Fatalf("edited job after recovery has tasks %+v, want instance 0 only", edited.Tasks)
	}

	// Without a staged recovery, the recovery verbs say what to do.
	_, stderr, code := dev.run("admin", "scheduler_print_recovery_tasks", "local")
	if code == 0 || !strings.Contains(stderr, "scheduler_stage_recovery") {
		t.Fatalf("print without a staged recovery: exit %d, %q", code, stderr)
	}
	_, stderr, code = dev.run("admin", "scheduler_stage_recovery", "local", "../../etc/passwd")
	if code == 0 || !strings.Contains(stderr, "not a backup id") {
		t.Fatalf("staging a path: exit %d, %q", code, stderr)
	}
}

func mustJSON(t *testing.T, out string, v interface{}) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
}
