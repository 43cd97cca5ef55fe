package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Analyzer looks at the files of each layer it asks for. Like Trivy's
// analyzers, it declares the files it wants with Required, so that the
// walker buffers only those, and Analyze runs once per wanted file of
// each layer while the layer streams by.
//
// Analyze must not keep f or its content after it returns. Its result
// is stored per layer and path (nil means nothing to store); it must
// survive a JSON round trip through Decode, which is how the layer cache
// gives it back.
type Analyzer interface {
	// Name is a stable identifier, e.g. "dpkg" or "secret".
	Name() string
	// Version changes whenever results for the same input would differ;
	// it is part of the cache key.
	Version() int
	// Required reports whether the analyzer wants the file at path (an
	// image path such as "var/lib/dpkg/status"); info.Sys() is the *Entry.
	Required(path string, info fs.FileInfo) bool
	// Analyze judges one file.
	Analyze(ctx context.Context, f *File) (any, error)
	// Decode turns a JSON-encoded result back into the value Analyze
	// returned.
	Decode(data []byte) (any, error)
}

// Limited is implemented by analyzers whose file size limit differs from
// the walker's default (WithMaxFileSize). Files larger than Max are not
// given to the analyzer, which is reported as an issue, unless Prefix is
// true: then the analyzer gets the first Max bytes (File.Truncated).
type Limited interface {
	Limit() (max int64, prefix bool)
}

// Grouped is implemented by analyzers that must read some files of a
// layer together: an SQLite database with its write-ahead log
// (rpmdb.sqlite and rpmdb.sqlite-wal), whose tar entries may come in any
// order. GroupOf returns the path of the group's main file for a wanted
// path; ok false means the file is analysed on its own, as usual.
//
// The walker keeps the files of each group in the scratch directory until
// the layer's last entry, then calls Analyze once for each main file,
// with the other files of its group in the same layer in
// File.Companions; its result is stored under the main file's path. A
// companion whose main file is not in the layer is analysed alone (with
// no companions), so that the analyzer can say what it cannot read.
type Grouped interface {
	GroupOf(path string) (main string, ok bool)
}

// DecodeJSON is a Decode helper: it unmarshals data into a new T.
func DecodeJSON[T any](data []byte) (any, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// File is one wanted file, handed to Analyze. Its content is in memory
// for small files and in a temporary file in the scratch directory for
// large ones; either way it is read at most once from the layer.
type File struct {
	Path  string
	Entry *Entry
	// Layer is the index of the layer, 0 for the base layer.
	Layer int
	// Size is the number of content bytes available; less than
	// Entry.Size when Truncated.
	Size      int64
	Truncated bool

	// Companions are the other files of the main file's group in the
	// same layer (Grouped analyzers only).
	Companions []*File

	data    []byte
	spill   *os.File
	scratch string
	dirs    []string // made by LocalDir; removed with the file
}

// ReaderAt returns the content for random access.
func (f *File) ReaderAt() io.ReaderAt {
	if f.spill != nil {
		return f.spill
	}
	return bytesReaderAt(f.data)
}

// Reader returns the content as a stream.
func (f *File) Reader() io.Reader { return io.NewSectionReader(f.ReaderAt(), 0, f.Size) }

// Bytes returns the content, refusing more than max bytes.
func (f *File) Bytes(max int64) ([]byte, error) {
	if f.Size > max {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d this analyzer reads", f.Path, f.Size, max)
	}
	if f.spill == nil {
		return f.data, nil
	}
	b := make([]byte, f.Size)
	if _, err := f.spill.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}

// LocalPath returns the path of a temporary file holding the content, for
// libraries that only open files by name (RPM databases). The file lives
// in the walker's scratch directory and is removed after the layer.
func (f *File) LocalPath() (string, error) {
	if f.spill != nil {
		return f.spill.Name(), nil
	}
	tmp, err := os.CreateTemp(f.scratch, "file-*")
	if err != nil {
		return "", fmt.Errorf("writing %s to the scratch directory: %w", f.Path, err)
	}
	if _, err := tmp.Write(f.data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("writing %s to the scratch directory: %w", f.Path, err)
	}
	f.spill = tmp
	return tmp.Name(), nil
}

// LocalDir writes f and its companions into a new directory in the
// scratch directory, each under its own base name ("rpmdb.sqlite",
// "rpmdb.sqlite-wal"), for libraries that open a file by name and find
// its companions next to it. The library may write there (SQLite
// checkpoints its log into the database it opens): these are copies,
// removed after the layer.
func (f *File) LocalDir() (string, error) {
	dir, err := os.MkdirTemp(f.scratch, "group-*")
	if err != nil {
		return "", fmt.Errorf("making a directory for %s in the scratch directory: %w", f.Path, err)
	}
	f.dirs = append(f.dirs, dir)
	for _, g := range append([]*File{f}, f.Companions...) {
		base := path.Base(g.Path)
		if base == "." || base == "/" || base == ".." {
			continue
		}
		if err := g.copyTo(filepath.Join(dir, base)); err != nil {
			return "", fmt.Errorf("writing %s to the scratch directory: %w", g.Path, err)
		}
	}
	return dir, nil
}

// copyTo writes the content to a new file at p, linking the spilled copy
// when it can.
func (f *File) copyTo(p string) error {
	if f.spill != nil && !f.Truncated {
		if os.Link(f.spill.Name(), p) == nil {
			return nil
		}
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, f.Reader()); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func (f *File) release() {
	for _, d := range f.dirs {
		os.RemoveAll(d)
	}
	f.dirs = nil
	if f.spill != nil {
		name := f.spill.Name()
		f.spill.Close()
		os.Remove(name)
		f.spill = nil
	}
	f.data = nil
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
