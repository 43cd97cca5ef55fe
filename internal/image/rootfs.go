package image

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Rootfs presents an unpacked root file system directory as a one-layer
// image, so that the same walker and analyzers judge it. The layer is a
// tar stream generated on the fly from the directory (never written
// anywhere); symlinks are not followed, sockets are skipped, and so is
// what is inside proc, sys and dev.
//
// Its "diffID" is a fingerprint of the tree's names, sizes, modes and
// modification times, not the digest of the tar stream (which would cost
// a second read), and the layer is never cached: the directory can change
// in place.
func Rootfs(dir string) (v1.Image, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("opening the root file system: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: --rootfs takes an unpacked root file system", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	l := &rootfsLayer{dir: abs}
	h, err := l.fingerprint()
	if err != nil {
		return nil, err
	}
	l.diffID = h
	cfg := v1.ConfigFile{
		OS:           "linux",
		Architecture: "unknown",
		RootFS:       v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{h}},
		History:      []v1.History{{CreatedBy: "root file system " + abs, Created: v1.Time{Time: fi.ModTime().UTC().Truncate(time.Second)}}},
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	img, err := partial.UncompressedToImage(&rootfsImage{layer: l, config: raw})
	if err != nil {
		return nil, err
	}
	return volatileImage{img}, nil
}

// volatileImage marks an image whose layers can change in place: the
// walker neither caches nor verifies them.
type volatileImage struct{ v1.Image }

func (volatileImage) Volatile() bool { return true }

type rootfsImage struct {
	layer  *rootfsLayer
	config []byte
}

func (i *rootfsImage) RawConfigFile() ([]byte, error)      { return i.config, nil }
func (i *rootfsImage) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
func (i *rootfsImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	if h != i.layer.diffID {
		return nil, fmt.Errorf("layer %s not in the root file system image", h)
	}
	return i.layer, nil
}

type rootfsLayer struct {
	dir    string
	diffID v1.Hash
}

func (l *rootfsLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }
func (l *rootfsLayer) MediaType() (types.MediaType, error) {
	return types.OCIUncompressedLayer, nil
}

func (l *rootfsLayer) fingerprint() (v1.Hash, error) {
	h := sha256.New()
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(h, "%s\x00error\n", p)
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		fmt.Fprintf(h, "%s\x00%d\x00%o\x00%d\n", p, info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return v1.Hash{}, err
	}
	return v1.NewHash(fmt.Sprintf("sha256:%x", h.Sum(nil)))
}

// Uncompressed streams the directory as a tar.
func (l *rootfsLayer) Uncompressed() (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(l.writeTar(pw))
	}()
	return pr, nil
}

func (l *rootfsLayer) writeTar(w io.Writer) error {
	tw := tar.NewWriter(w)
	links := map[[2]uint64]string{}
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			slog.Warn("cannot read part of the root file system", "path", p, "err", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(l.dir, p)
		if err != nil || rel == "." {
			return nil
		}
		if d.IsDir() && pseudoFS(filepath.ToSlash(filepath.Dir(rel))) {
			return fs.SkipDir
		}
		if !d.IsDir() && pseudoFS(filepath.ToSlash(filepath.Dir(rel))) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if info.Mode()&fs.ModeSocket != 0 {
			return nil
		}
		var target string
		if info.Mode()&fs.ModeSymlink != 0 {
			if target, err = os.Readlink(p); err != nil {
				return nil
			}
		}
		h, err := tar.FileInfoHeader(info, target)
		if err != nil {
			return nil
		}
		h.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			h.Name += "/"
		}
		h.Uname, h.Gname = "", ""
		var f *os.File
		if st, ok := info.Sys().(*syscall.Stat_t); ok && info.Mode().IsRegular() && st.Nlink > 1 {
			key := [2]uint64{uint64(st.Dev), st.Ino}
			if first, ok := links[key]; ok {
				h.Typeflag, h.Linkname, h.Size = tar.TypeLink, first, 0
			} else {
				links[key] = h.Name
			}
		}
		if h.Typeflag == tar.TypeReg {
			if f, err = os.Open(p); err != nil {
				slog.Warn("cannot read a file of the root file system", "path", p, "err", err)
				return nil
			}
			defer f.Close()
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if f != nil {
			// A file that shrinks while read is padded, one that grows is
			// cut, so the stream stays a valid tar.
			n, err := io.Copy(tw, io.LimitReader(f, h.Size))
			if err != nil {
				slog.Warn("cannot read a file of the root file system", "path", p, "err", err)
			}
			if n < h.Size {
				if _, err := io.CopyN(tw, zeroReader{}, h.Size-n); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// pseudoFS reports whether dir is one whose content a container runtime
// provides (proc, sys, dev): only the directory itself is kept, as in
// images built by docker.
func pseudoFS(dir string) bool {
	first, _, _ := strings.Cut(dir, "/")
	return first == "proc" || first == "sys" || first == "dev"
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
