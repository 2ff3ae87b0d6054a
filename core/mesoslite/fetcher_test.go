package mesoslite

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

func TestFetchURIs(t *testing.T) {
	src := t.TempDir()
	script := filepath.Join(src, "run.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(src, "bundle.tar.gz")
	writeTarGz(t, archive, map[string]string{"conf/app.conf": "x=1"})
	evil := filepath.Join(src, "evil.tar.gz")
	writeTarGz(t, evil, map[string]string{"../escaped": "no"})

	sandbox := t.TempDir()
	yes, renamed := true, "renamed.txt"
	err := fetchURIs(context.Background(), sandbox, []mesos.CommandInfo_URI{
		{Value: script, Executable: &yes},
		{Value: "file://" + archive},
		{Value: script, OutputFile: &renamed},
	}, io.Discard)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(sandbox, "run.sh")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("executable URI: %v %v", fi, err)
	}
	if b, err := os.ReadFile(filepath.Join(sandbox, "conf", "app.conf")); err != nil || string(b) != "x=1" {
		t.Errorf("extracted archive: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(sandbox, renamed)); err != nil {
		t.Errorf("output_file: %v", err)
	}
	if err := fetchURIs(context.Background(), sandbox, []mesos.CommandInfo_URI{{Value: evil}}, io.Discard); err == nil {
		t.Error("an archive escaping the sandbox was extracted")
	}
	if err := fetchURIs(context.Background(), sandbox, []mesos.CommandInfo_URI{{Value: "hdfs://x/y"}}, io.Discard); err == nil {
		t.Error("an unsupported scheme was fetched")
	}
}

func writeTarGz(t *testing.T, name string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for n, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
