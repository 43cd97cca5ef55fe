package image

import (
	"archive/tar"
	"io/fs"
	"path"
	"strings"
	"time"
)

// EntryType is the kind of a layer entry.
type EntryType uint8

const (
	TypeFile EntryType = iota + 1
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeCharDevice
	TypeBlockDevice
	TypeFIFO
	TypeOther
)

var entryTypeNames = [...]string{"", "file", "dir", "symlink", "hardlink", "char-device", "block-device", "fifo", "other"}

func (t EntryType) String() string {
	if int(t) < len(entryTypeNames) {
		return entryTypeNames[t]
	}
	return "unknown"
}

// Entry is one entry of one layer's tar stream after its path has been
// made safe: Path is clean, slash-separated and relative to the image root
// ("etc/passwd"), never "", "." or climbing out with "..".
type Entry struct {
	Path string    `json:"p"`
	Type EntryType `json:"t"`
	// Mode holds the permission bits plus fs.ModeSetuid, fs.ModeSetgid
	// and fs.ModeSticky; the type is in Type.
	Mode fs.FileMode `json:"m"`
	Size int64       `json:"s,omitempty"`
	UID  int         `json:"u,omitempty"`
	GID  int         `json:"g,omitempty"`
	// Link is the target of a symlink (as written) or of a hardlink
	// (a cleaned image path).
	Link string `json:"l,omitempty"`
}

// Info returns e as an fs.FileInfo, whose Sys() is the *Entry.
func (e *Entry) Info() fs.FileInfo { return entryInfo{e} }

type entryInfo struct{ e *Entry }

func (i entryInfo) Name() string { return path.Base(i.e.Path) }
func (i entryInfo) Size() int64  { return i.e.Size }
func (i entryInfo) Mode() fs.FileMode {
	m := i.e.Mode
	switch i.e.Type {
	case TypeDir:
		m |= fs.ModeDir
	case TypeSymlink:
		m |= fs.ModeSymlink
	case TypeCharDevice:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case TypeBlockDevice:
		m |= fs.ModeDevice
	case TypeFIFO:
		m |= fs.ModeNamedPipe
	case TypeOther:
		m |= fs.ModeIrregular
	}
	return m
}
func (i entryInfo) ModTime() time.Time { return time.Time{} }
func (i entryInfo) IsDir() bool        { return i.e.Type == TypeDir }
func (i entryInfo) Sys() any           { return i.e }

// Executable reports whether a regular file has any execute bit.
func (e *Entry) Executable() bool { return e.Type == TypeFile && e.Mode&0o111 != 0 }

// CleanPath turns a tar entry name into an image path: leading "/" and
// "./" are dropped (as container runtimes do), the result is cleaned, and
// ok is false when the name is empty, the root itself, or climbs out of
// the root with "..". Backslashes are kept: they are ordinary characters
// in Linux file names.
func CleanPath(name string) (p string, ok bool) {
	if name == "" || strings.IndexByte(name, 0) >= 0 {
		return "", false
	}
	p = path.Clean("/" + name)
	// path.Clean of a rooted path never climbs above "/", so detect
	// ".." in the original relative to where it would go.
	if escapes(name) {
		return "", false
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" || p == "." {
		return "", false
	}
	return p, true
}

// escapes reports whether a relative path climbs above its start.
func escapes(name string) bool {
	depth := 0
	for _, part := range strings.Split(strings.TrimLeft(name, "/"), "/") {
		switch part {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return true
			}
		default:
			depth++
		}
	}
	return false
}

// symlinkEscapes reports whether a relative symlink target, resolved from
// the directory of linkPath, climbs above the image root. Inside a
// container this is clamped at "/", but when an image is extracted by a
// careless tool it points outside the extraction directory.
func symlinkEscapes(linkPath, target string) bool {
	if target == "" || strings.HasPrefix(target, "/") {
		return false
	}
	return escapes(path.Dir("/"+linkPath) + "/" + target)
}

func entryType(h *tar.Header) EntryType {
	switch h.Typeflag {
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse, tar.TypeCont:
		return TypeFile
	case tar.TypeDir:
		return TypeDir
	case tar.TypeSymlink:
		return TypeSymlink
	case tar.TypeLink:
		return TypeHardlink
	case tar.TypeChar:
		return TypeCharDevice
	case tar.TypeBlock:
		return TypeBlockDevice
	case tar.TypeFifo:
		return TypeFIFO
	}
	return TypeOther
}

func entryMode(h *tar.Header) fs.FileMode {
	m := fs.FileMode(h.Mode & 0o777)
	if h.Mode&04000 != 0 {
		m |= fs.ModeSetuid
	}
	if h.Mode&02000 != 0 {
		m |= fs.ModeSetgid
	}
	if h.Mode&01000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// Whiteout names used by the OCI image spec and Docker.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)
