package pluginhost

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStorePutIsContentAddressed(t *testing.T) {
	s, err := NewStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("#!/bin/sh\necho plugin\n")
	want := sha256.Sum256(data)
	sum, path, err := s.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if sum != hex.EncodeToString(want[:]) || path != filepath.Join(s.Dir(), "sha256", sum) {
		t.Fatalf("Put = %s, %s", sum, path)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o555 {
		t.Fatalf("stored file mode = %v, %v; want 0555", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("stored bytes differ")
	}
	again, path2, err := s.Put(bytes.NewReader(data))
	if err != nil || again != sum || path2 != path {
		t.Fatalf("second Put = %s, %s, %v", again, path2, err)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir(), "sha256"))
	if len(entries) != 1 {
		t.Fatalf("store holds %d files, want 1 (no temporary left behind)", len(entries))
	}
	if !s.Has(sum) || s.Has(strings.Repeat("0", 64)) || s.Has("../etc") {
		t.Fatal("Has is wrong")
	}
}

func TestStoreRefusesSymlinks(t *testing.T) {
	s, _ := NewStore(t.TempDir())
	dir := t.TempDir()
	target := filepath.Join(dir, "bin")
	if err := os.WriteFile(target, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PutFile(link); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("PutFile(symlink) = %v, want a refusal", err)
	}
	if _, _, err := s.PutFile(dir); err == nil {
		t.Fatal("PutFile(directory) succeeded")
	}
}

func testEntry(version string) Entry {
	return Entry{Kind: "constraint", Name: "zonespread", Version: version, SHA256: strings.Repeat("a", 64), Command: "/x"}
}

func TestCatalogResolvesPinnedElseHighestEnabled(t *testing.T) {
	c := NewCatalog()
	for _, v := range []string{"0.9.0", "1.2.0", "1.10.0", "2.0.0-rc.1"} {
		if err := c.Put(testEntry(v)); err != nil {
			t.Fatal(err)
		}
	}
	if e, _ := c.Get("constraint", "zonespread", "1.2.0"); e.State != StateDisabled || e.FailurePolicy != FailClosed {
		t.Fatalf("defaults = %s, %s; want disabled, fail_closed", e.State, e.FailurePolicy)
	}
	if _, err := c.Resolve("constraint", "zonespread"); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("Resolve with nothing enabled: %v", err)
	}
	for _, v := range []string{"1.2.0", "1.10.0", "2.0.0-rc.1"} {
		if err := c.SetState("constraint", "zonespread", v, StateEnabled); err != nil {
			t.Fatal(err)
		}
	}
	if e, _ := c.Resolve("constraint", "zonespread"); e.Version != "2.0.0-rc.1" {
		t.Fatalf("Resolve = %s, want the highest enabled version", e.Version)
	}
	if err := c.Pin("constraint", "zonespread", "1.2.0"); err != nil {
		t.Fatal(err)
	}
	if e, _ := c.Resolve("constraint", "zonespread"); e.Version != "1.2.0" {
		t.Fatalf("Resolve = %s, want the pinned version", e.Version)
	}
	if err := c.Pin("constraint", "zonespread", "1.10.0"); err != nil {
		t.Fatal(err)
	}
	if e, _ := c.Get("constraint", "zonespread", "1.2.0"); e.Pinned {
		t.Fatal("pinning a version did not unpin the other")
	}
	if err := c.Delete("constraint", "zonespread", "1.10.0"); err == nil {
		t.Fatal("deleted the pinned version")
	}
	if err := c.Delete("constraint", "zonespread", "1.2.0"); err == nil {
		t.Fatal("deleted an enabled version")
	}
	if err := c.Delete("constraint", "zonespread", "0.9.0"); err != nil {
		t.Fatal(err)
	}
	if got := len(c.List()); got != 3 {
		t.Fatalf("List has %d entries, want 3", got)
	}
	if got := c.Enabled("constraint"); len(got) != 1 || got[0].Version != "1.10.0" {
		t.Fatalf("Enabled = %+v", got)
	}
}

func TestEntryValidate(t *testing.T) {
	bad := testEntry("1.0")
	bad.Kind, bad.SHA256, bad.FailurePolicy, bad.Env = "nope", "xyz", "maybe", []string{"NOEQUALS"}
	err := bad.Validate()
	for _, want := range []string{`kind "nope"`, `version "1.0"`, `sha256 "xyz"`, `failure policy "maybe"`, `env "NOEQUALS"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %s", err, want)
		}
	}
	if err := testEntry("1.0.0").Validate(); err != nil {
		t.Fatal(err)
	}
	e, err := BuiltinEntry("quota", "static", "0.1.0")
	if err != nil || !e.Builtin || e.State != StateEnabled || e.Spec().Args[2] != "quota/static" {
		t.Fatalf("BuiltinEntry = %+v, %v", e, err)
	}
}
