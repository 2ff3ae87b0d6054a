package mesoslite

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	mesos "github.com/mesos/mesos-go/api/v1/lib"
)

// fetchURIs is a small Mesos fetcher: each CommandInfo.URI (a local path,
// file://, http:// or https://) is copied into the sandbox under its base
// name or output_file; executable ones get mode 0755 and are never extracted;
// others that are archives (.tar, .tar.gz, .tgz, .tar.bz2, .tbz2, .zip) are
// extracted into the sandbox when extract is set (the default). Progress is
// logged to logw (the sandbox's stderr, as the Mesos fetcher does). The
// fetcher cache is not implemented; every fetch downloads again.
func fetchURIs(ctx context.Context, dir string, uris []mesos.CommandInfo_URI, logw io.Writer) error {
	for _, u := range uris {
		fmt.Fprintf(logw, "Fetching %s\n", u.Value)
		if err := fetchURI(ctx, dir, u); err != nil {
			fmt.Fprintf(logw, "Failed to fetch %s: %v\n", u.Value, err)
			return fmt.Errorf("fetching %s: %w", u.Value, err)
		}
	}
	return nil
}

func fetchURI(ctx context.Context, dir string, u mesos.CommandInfo_URI) error {
	name := u.GetOutputFile()
	if name == "" {
		name = path.Base(strings.TrimRight(uriPath(u.Value), "/"))
	}
	if name == "" || name == "." || name == "/" || filepath.IsAbs(name) || !filepath.IsLocal(name) {
		return fmt.Errorf("invalid destination name %q", name)
	}
	dst := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	src, err := openURI(ctx, u.Value)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if u.GetExecutable() {
		mode = 0o755
	}
	err = copyFile(dst, src, mode)
	src.Close()
	if err != nil {
		return err
	}
	if u.GetExecutable() {
		return os.Chmod(dst, 0o755)
	}
	if u.Extract == nil || u.GetExtract() {
		return extract(dst, dir)
	}
	return nil
}

func uriPath(raw string) string {
	if p, err := url.Parse(raw); err == nil && p.Scheme != "" {
		return p.Path
	}
	return raw
}

func openURI(ctx context.Context, raw string) (io.ReadCloser, error) {
	p, err := url.Parse(raw)
	if err != nil || p.Scheme == "" {
		return os.Open(raw)
	}
	switch p.Scheme {
	case "file":
		return os.Open(p.Path)
	case "http", "https":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("HTTP %s", resp.Status)
		}
		return resp.Body, nil
	default:
		return nil, fmt.Errorf("unsupported URI scheme %q", p.Scheme)
	}
}

// extract unpacks a recognised archive into dir; other files are left as is.
func extract(file, dir string) error {
	lower := strings.ToLower(file)
	switch {
	case strings.HasSuffix(lower, ".zip"):
		return extractZip(file, dir)
	case strings.HasSuffix(lower, ".tar"):
		return withFile(file, func(r io.Reader) error { return extractTar(r, dir) })
	case strings.HasSuffix(lower, ".tar.gz"), strings.HasSuffix(lower, ".tgz"):
		return withFile(file, func(r io.Reader) error {
			gz, err := gzip.NewReader(r)
			if err != nil {
				return err
			}
			defer gz.Close()
			return extractTar(gz, dir)
		})
	case strings.HasSuffix(lower, ".tar.bz2"), strings.HasSuffix(lower, ".tbz2"):
		return withFile(file, func(r io.Reader) error { return extractTar(bzip2.NewReader(r), dir) })
	}
	return nil
}

func withFile(name string, f func(io.Reader) error) error {
	fh, err := os.Open(name)
	if err != nil {
		return err
	}
	defer fh.Close()
	return f(fh)
}

// safeJoin joins an archive member name to dir, refusing names that escape it.
func safeJoin(dir, name string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(name))
	if !filepath.IsLocal(clean) {
		return "", fmt.Errorf("archive member %q escapes the sandbox", name)
	}
	return filepath.Join(dir, clean), nil
}

func extractTar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		dst, err := safeJoin(dir, h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := copyFile(dst, tr, os.FileMode(h.Mode)&0o777); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if filepath.IsAbs(h.Linkname) || !filepath.IsLocal(filepath.Join(filepath.Dir(filepath.Clean(h.Name)), h.Linkname)) {
				return fmt.Errorf("archive symlink %q escapes the sandbox", h.Name)
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, dst); err != nil {
				return err
			}
		}
	}
}

func extractZip(file, dir string) error {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		dst, err := safeJoin(dir, f.Name)
		if err != nil {
			return err
		}
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		err = copyFile(dst, rc, f.Mode()&0o777)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
