package thermos

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// runAs is the Unix identity a task's processes run as.
type runAs struct {
	name string
	cred *syscall.Credential
}

// roleUser finds the identity for a task of role, as Thermos does: the
// processes run as the role's Unix user when that user exists and the
// executor runs as root. The sandbox is handed to the user. When the user
// could not even reach the sandbox (a parent directory it may not
// traverse, as under a root-only home directory), the processes stay with
// the executor's user and warning says why.
func roleUser(role, sandbox string) (as *runAs, warning string) {
	if role == "" || os.Geteuid() != 0 {
		return nil, ""
	}
	u, err := user.Lookup(role)
	if err != nil {
		return nil, "" // no such user: run as the executor's user
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Sprintf("user %s has a non-numeric uid or gid; running as the executor's user", role)
	}
	var groups []uint32
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				groups = append(groups, uint32(n))
			}
		}
	}
	if dir, ok := traversable(filepath.Dir(sandbox), uint32(uid), uint32(gid), groups); !ok {
		return nil, fmt.Sprintf("user %s cannot reach the sandbox (%s is closed to it); running as the executor's user", role, dir)
	}
	if err := os.Chown(sandbox, int(uid), int(gid)); err != nil {
		return nil, fmt.Sprintf("cannot give the sandbox to user %s: %v; running as the executor's user", role, err)
	}
	return &runAs{name: role, cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: groups}}, ""
}

// traversable reports whether uid (with gid and groups) may search every
// directory from dir up to the root; if not, it returns the first that
// it may not.
func traversable(dir string, uid, gid uint32, groups []uint32) (string, bool) {
	for {
		st, err := os.Stat(dir)
		if err != nil {
			return dir, false
		}
		sys, ok := st.Sys().(*syscall.Stat_t)
		if !ok {
			return dir, false
		}
		mode := st.Mode().Perm()
		var allowed bool
		switch {
		case sys.Uid == uid:
			allowed = mode&0o100 != 0
		case sys.Gid == gid || contains(groups, sys.Gid):
			allowed = mode&0o010 != 0
		default:
			allowed = mode&0o001 != 0
		}
		if !allowed {
			return dir, false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", true
		}
		dir = parent
	}
}

func contains(list []uint32, v uint32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
