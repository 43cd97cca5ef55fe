package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// maxArchiveMetadata bounds manifest.json and config reads from archives.
const maxArchiveMetadata = 16 << 20

// archive is a `docker save` tarball indexed once: every member's offset,
// so that a layer is read straight from its place in the file, once.
// (go-containerregistry's tarball package would rehash every compressed
// layer to build a manifest before the first read.)
type archive struct {
	path    string
	members map[string]member
}

type member struct {
	offset, size int64
	link         string // hard or symbolic link target, archive path
}

func openArchive(p string) (*archive, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("opening the image archive: %w", err)
	}
	defer f.Close()
	a := &archive{path: p, members: map[string]member{}}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the image archive %s: %w (is it a tar file from `docker save` or an OCI layout?)", p, err)
		}
		off, err := f.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, err
		}
		n := path.Clean(strings.TrimPrefix(h.Name, "./"))
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			a.members[n] = member{offset: off, size: h.Size}
		case tar.TypeSymlink:
			a.members[n] = member{link: path.Join(path.Dir(n), h.Linkname)}
		case tar.TypeLink:
			a.members[n] = member{link: path.Clean(h.Linkname)}
		}
	}
	return a, nil
}

func (a *archive) open(name string) (*io.SectionReader, *os.File, error) {
	name = path.Clean(name)
	for range 10 {
		m, ok := a.members[name]
		if !ok {
			return nil, nil, fmt.Errorf("%s is not in the image archive", name)
		}
		if m.link != "" {
			name = m.link
			continue
		}
		f, err := os.Open(a.path)
		if err != nil {
			return nil, nil, err
		}
		return io.NewSectionReader(f, m.offset, m.size), f, nil
	}
	return nil, nil, fmt.Errorf("%s: too many links in the image archive", name)
}

func (a *archive) readAll(name string) ([]byte, error) {
	sr, f, err := a.open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if sr.Size() > maxArchiveMetadata {
		return nil, fmt.Errorf("%s in the image archive is larger than %d bytes", name, maxArchiveMetadata)
	}
	return io.ReadAll(sr)
}

// Archive opens an image from a `docker save` (or `crane save`,
// `podman save`) tar file. With several images in the archive, tag picks
// one ("" takes the only one).
func Archive(p, tag string) (v1.Image, error) {
	a, err := openArchive(p)
	if err != nil {
		return nil, err
	}
	raw, err := a.readAll("manifest.json")
	if err != nil {
		if _, ok := a.members["index.json"]; ok {
			return nil, fmt.Errorf("%s is an OCI image layout archive, not a docker archive: use --oci", p)
		}
		return nil, fmt.Errorf("reading manifest.json from %s: %w (is it a `docker save` tar file?)", p, err)
	}
	var m tarball.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest.json in %s: %w", p, err)
	}
	d, err := pickDescriptor(m, tag)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	cfg, err := a.readAll(d.Config)
	if err != nil {
		return nil, fmt.Errorf("reading the image config from %s: %w", p, err)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(cfg))
	if err != nil {
		return nil, fmt.Errorf("parsing the image config in %s: %w", p, err)
	}
	if len(cf.RootFS.DiffIDs) != len(d.Layers) {
		return nil, fmt.Errorf("%s: the config lists %d layers but manifest.json %d", p, len(cf.RootFS.DiffIDs), len(d.Layers))
	}
	img := &archiveImage{a: a, config: cfg, layers: map[v1.Hash]string{}}
	for i, h := range cf.RootFS.DiffIDs {
		img.layers[h] = d.Layers[i]
	}
	return partial.UncompressedToImage(img)
}

func pickDescriptor(m tarball.Manifest, tag string) (*tarball.Descriptor, error) {
	if len(m) == 0 {
		return nil, errors.New("manifest.json lists no image")
	}
	if tag == "" {
		if len(m) > 1 {
			var tags []string
			for _, d := range m {
				tags = append(tags, d.RepoTags...)
			}
			return nil, fmt.Errorf("the archive holds %d images; name one of %s", len(m), strings.Join(tags, ", "))
		}
		return &m[0], nil
	}
	want, err := name.NewTag(tag)
	if err != nil {
		return nil, fmt.Errorf("parsing tag %q: %w", tag, err)
	}
	for i, d := range m {
		for _, t := range d.RepoTags {
			if got, err := name.NewTag(t); err == nil && got.Name() == want.Name() {
				return &m[i], nil
			}
		}
	}
	return nil, fmt.Errorf("tag %s not found in the archive", tag)
}

type archiveImage struct {
	a      *archive
	config []byte
	layers map[v1.Hash]string
}

var _ partial.UncompressedImageCore = (*archiveImage)(nil)

func (i *archiveImage) RawConfigFile() ([]byte, error) { return i.config, nil }
func (i *archiveImage) MediaType() (types.MediaType, error) {
	return types.DockerManifestSchema2, nil
}
func (i *archiveImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	p, ok := i.layers[h]
	if !ok {
		return nil, fmt.Errorf("layer %s not in the archive", h)
	}
	return &archiveLayer{a: i.a, path: p, diffID: h}, nil
}

type archiveLayer struct {
	a      *archive
	path   string
	diffID v1.Hash
}

var _ partial.UncompressedLayer = (*archiveLayer)(nil)

func (l *archiveLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) {
	return types.OCIUncompressedLayer, nil
}

// Uncompressed opens the layer member, decompressing gzip or zstd when
// its first bytes say so.
func (l *archiveLayer) Uncompressed() (io.ReadCloser, error) {
	sr, f, err := l.a.open(l.path)
	if err != nil {
		return nil, err
	}
	return decompress(sr, f)
}

// decompress wraps r in the decompressor its magic bytes call for;
// closing the result closes c.
func decompress(r io.Reader, c io.Closer) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("reading the gzip layer: %w", err)
		}
		return &readCloser{Reader: zr, close: func() error { zr.Close(); return c.Close() }}, nil
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<27))
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("reading the zstd layer: %w", err)
		}
		return &readCloser{Reader: zr, close: func() error { zr.Close(); return c.Close() }}, nil
	}
	return &readCloser{Reader: br, close: c.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }
