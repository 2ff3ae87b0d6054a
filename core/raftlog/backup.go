package raftlog

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/raft"

	"github.com/aurora-go/aurora/core/state"
)

// backupPrefix names backup files as Aurora does:
// scheduler-backup-yyyy-MM-dd-HH-mm(-ss).
const backupPrefix = "scheduler-backup-"

// Backups writes and reads full-state backups in a directory. A backup is
// a state snapshot (state.Snapshot.WriteTo) in a file of its own.
type Backups struct {
	Dir   string
	Store *state.Store
	// Keep is how many backups to keep; older ones are deleted.
	Keep int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Backup writes a backup of the current state and returns its id.
func (b *Backups) Backup() (string, error) {
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return "", fmt.Errorf("create backup dir: %w", err)
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	id := backupPrefix + now().UTC().Format("2006-01-02-15-04-05.000")
	tmp, err := os.CreateTemp(b.Dir, ".backup-*")
	if err != nil {
		return "", fmt.Errorf("create backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	if _, err := b.Store.Snapshot().WriteTo(w); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write backup: %w", err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("sync backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(b.Dir, id)); err != nil {
		return "", fmt.Errorf("publish backup: %w", err)
	}
	return id, b.prune()
}

// List returns the backup ids, oldest first.
func (b *Backups) List() ([]string, error) {
	entries, err := os.ReadDir(b.Dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), backupPrefix) && e.Type().IsRegular() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Load reads a backup into a new store.
func (b *Backups) Load(id string) (*state.Store, error) {
	if id != filepath.Base(id) || !strings.HasPrefix(id, backupPrefix) {
		return nil, fmt.Errorf("%q is not a backup id; `scheduler_list_backups` lists them", id)
	}
	f, err := os.Open(filepath.Join(b.Dir, id))
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	s, err := state.NewStore()
	if err != nil {
		return nil, err
	}
	if err := s.Restore(bufio.NewReader(f)); err != nil {
		return nil, fmt.Errorf("read backup %s: %w", id, err)
	}
	return s, nil
}

func (b *Backups) prune() error {
	if b.Keep <= 0 {
		return nil
	}
	ids, err := b.List()
	if err != nil {
		return err
	}
	for len(ids) > b.Keep {
		if err := os.Remove(filepath.Join(b.Dir, ids[0])); err != nil {
			return fmt.Errorf("remove old backup: %w", err)
		}
		ids = ids[1:]
	}
	return nil
}

// Restore replaces the replicated state with the contents of s on every
// replica: raft installs it as a snapshot and replicates it. Only the
// leader can do this.
func (n *Node) Restore(ctx context.Context, s *state.Store) error {
	if !n.IsLeader() {
		return ErrNotLeader
	}
	// raft needs the snapshot's exact size up front, so spool it first.
	tmp, err := os.CreateTemp(n.dataDir, ".restore-*")
	if err != nil {
		return fmt.Errorf("spool state for restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := bufio.NewWriter(tmp)
	size, err := s.Snapshot().WriteTo(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("spool state for restore: %w", err)
	}
	timeout := n.timeout * 6
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	meta := &raft.SnapshotMeta{Version: raft.SnapshotVersionMax, Size: size}
	if err := n.raft.Restore(meta, bufio.NewReader(tmp), timeout); err != nil {
		return fmt.Errorf("restore state into the raft log: %w", err)
	}
	return nil
}
