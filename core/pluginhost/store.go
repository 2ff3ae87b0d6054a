package pluginhost

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Store is a content-addressed store of plugin binaries:
// <dir>/sha256/<hex>, each file mode 0555 in a 0755 directory. A file is
// written under a temporary name while it is hashed and renamed into place,
// so a path in the store always holds the bytes its name says, and the
// host only ever executes files it hashed itself.
type Store struct {
	dir string
}

// NewStore opens (creating) a store in dir.
func NewStore(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("plugin store: no directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("plugin store: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(abs, "sha256"), 0o755); err != nil {
		return nil, fmt.Errorf("plugin store: %w", err)
	}
	return &Store{dir: abs}, nil
}

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.dir }

// Path is where the blob with the given hex sha256 lives (or would).
func (s *Store) Path(sum string) string {
	return filepath.Join(s.dir, "sha256", sum)
}

// Has reports whether the store holds the blob sum.
func (s *Store) Has(sum string) bool {
	if !ValidSHA256(sum) {
		return false
	}
	fi, err := os.Lstat(s.Path(sum))
	return err == nil && fi.Mode().IsRegular()
}

// Put copies r into the store while hashing it and returns the hex sha256
// and the path of the stored file. Storing bytes the store already holds is
// a no-op that returns the existing path.
func (s *Store) Put(r io.Reader) (sum, path string, err error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "sha256"), ".incoming-*")
	if err != nil {
		return "", "", fmt.Errorf("plugin store: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	if _, err = io.Copy(io.MultiWriter(tmp, h), r); err != nil {
		return "", "", fmt.Errorf("plugin store: copy: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", "", fmt.Errorf("plugin store: %w", err)
	}
	if err = tmp.Chmod(0o555); err != nil {
		return "", "", fmt.Errorf("plugin store: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", "", fmt.Errorf("plugin store: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	path = s.Path(sum)
	if s.Has(sum) {
		_ = os.Remove(tmp.Name())
		return sum, path, nil
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return "", "", fmt.Errorf("plugin store: %w", err)
	}
	return sum, path, nil
}

// PutFile stores the regular file at path; symbolic links are refused (pass
// the file itself).
func (s *Store) PutFile(path string) (sum, stored string, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", "", fmt.Errorf("plugin binary: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return "", "", fmt.Errorf("plugin binary %s is a symbolic link; pass the file itself", path)
	}
	if !fi.Mode().IsRegular() {
		return "", "", fmt.Errorf("plugin binary %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("plugin binary: %w", err)
	}
	defer f.Close()
	return s.Put(f)
}

// Remove deletes the blob sum, if the store holds it.
func (s *Store) Remove(sum string) error {
	if !ValidSHA256(sum) {
		return fmt.Errorf("plugin store: %q is not a sha256", sum)
	}
	if err := os.Remove(s.Path(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("plugin store: %w", err)
	}
	return nil
}

// ValidSHA256 reports whether s is a sha256 as catalog entries hold it: 64
// lower-case hex digits.
func ValidSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
