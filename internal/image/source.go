package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Kind is the kind of an image source.
type Kind string

const (
	KindRegistry Kind = "registry"
	KindArchive  Kind = "archive"
	KindOCI      Kind = "oci"
	KindRootfs   Kind = "rootfs"
)

// Source says where to read an image from. Exactly one of Ref (with no
// path), Archive, OCI or Rootfs names the image; with Archive or OCI,
// Ref optionally picks a tag among several images.
type Source struct {
	Ref     string
	Archive string // `docker save` tar file
	OCI     string // OCI image layout directory, or a tar file of one
	Rootfs  string // an unpacked root file system directory
	// Platform picks one image of a multi-platform index, e.g.
	// "linux/arm64"; the default is linux and this machine's architecture.
	Platform string
	// Insecure allows plain HTTP (and unverified TLS) to the registry;
	// meant for loopback test registries.
	Insecure bool
	// Keychain resolves registry credentials; the default is docker's:
	// config.json in $DOCKER_CONFIG (default ~/.docker) with its "auths",
	// "credHelpers" and "credsStore" (docker-credential-<name> programs on
	// PATH), then podman's containers/auth.json.
	Keychain authn.Keychain
}

// Kind returns which source s names.
func (s Source) Kind() Kind {
	switch {
	case s.Archive != "":
		return KindArchive
	case s.OCI != "":
		return KindOCI
	case s.Rootfs != "":
		return KindRootfs
	}
	return KindRegistry
}

// Name is how reports name the image.
func (s Source) Name() string {
	switch s.Kind() {
	case KindArchive:
		return s.Archive
	case KindOCI:
		return s.OCI
	case KindRootfs:
		return s.Rootfs
	}
	return redactRef(s.Ref)
}

// Validate refuses sources that name no image or more than one.
func (s Source) Validate() error {
	n := 0
	for _, p := range []string{s.Archive, s.OCI, s.Rootfs} {
		if p != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return errors.New("give only one of --archive, --oci and --rootfs")
	case n == 0 && s.Ref == "":
		return errors.New("name an image: a registry reference, or --archive FILE, --oci DIR or --rootfs DIR")
	case s.Rootfs != "" && s.Ref != "":
		return errors.New("--rootfs takes no image reference: drop one of them")
	}
	if s.Platform != "" {
		if _, err := v1.ParsePlatform(s.Platform); err != nil {
			return fmt.Errorf("--platform %q: %w (use os/arch[/variant], e.g. linux/arm64)", s.Platform, err)
		}
	}
	return nil
}

func (s Source) platform() (*v1.Platform, error) {
	if s.Platform == "" {
		return &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}, nil
	}
	return v1.ParsePlatform(s.Platform)
}

// Open returns the image a source names. Registry images are read
// lazily: layers are fetched when the walker streams them.
func Open(ctx context.Context, s Source) (v1.Image, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	plat, err := s.platform()
	if err != nil {
		return nil, err
	}
	switch s.Kind() {
	case KindArchive:
		return Archive(s.Archive, s.Ref)
	case KindOCI:
		return OCI(s.OCI, s.Ref, plat)
	case KindRootfs:
		return Rootfs(s.Rootfs)
	}
	return Remote(ctx, s.Ref, plat, s.Insecure, s.Keychain)
}

// Remote opens an image from a registry.
func Remote(ctx context.Context, ref string, plat *v1.Platform, insecure bool, kc authn.Keychain) (v1.Image, error) {
	var nopts []name.Option
	if insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		if red := redactRef(ref); red != ref {
			// The parser's message quotes the reference, password and all.
			return nil, fmt.Errorf("parsing image reference %q: credentials do not belong in an image reference: drop the user:password@ part and run `docker login` instead", red)
		}
		return nil, fmt.Errorf("parsing image reference %q: %w", ref, err)
	}
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	tk := &trackingKeychain{kc: kc}
	img, err := remote.Image(r, remote.WithContext(ctx), remote.WithAuthFromKeychain(tk), remote.WithPlatform(*plat))
	if err != nil {
		return nil, registryError(r, tk, err)
	}
	return partial.UncompressedToImage(&remoteImage{img})
}

// remoteImage serves a registry image's layers through the walker's own
// gzip and zstd readers (faster than the standard library's); the
// compressed stream is still verified against its digest by
// go-containerregistry as it is read.
type remoteImage struct{ img v1.Image }

var _ partial.UncompressedImageCore = (*remoteImage)(nil)

func (i *remoteImage) RawConfigFile() ([]byte, error)      { return i.img.RawConfigFile() }
func (i *remoteImage) MediaType() (types.MediaType, error) { return i.img.MediaType() }
func (i *remoteImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	l, err := i.img.LayerByDiffID(h)
	if err != nil {
		return nil, err
	}
	return &remoteLayer{l: l, diffID: h}, nil
}

type remoteLayer struct {
	l      v1.Layer
	diffID v1.Hash
}

func (l *remoteLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }
func (l *remoteLayer) MediaType() (types.MediaType, error) {
	return types.OCIUncompressedLayer, nil
}
func (l *remoteLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := l.l.Compressed()
	if err != nil {
		return nil, err
	}
	return decompress(rc, rc)
}

// OCI opens an image from an OCI image layout: a directory, or a tar file
// of one (`docker buildx build --output type=oci`, `skopeo copy
// oci-archive:`). ref, when set, matches the
// org.opencontainers.image.ref.name annotation; multi-platform indexes
// are resolved with plat.
func OCI(p, ref string, plat *v1.Platform) (v1.Image, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("opening the OCI layout: %w", err)
	}
	var store blobStore
	if fi.IsDir() {
		lp, err := layout.FromPath(p)
		if err != nil {
			return nil, fmt.Errorf("%s is not an OCI image layout: %w", p, err)
		}
		store = layoutStore{lp}
	} else {
		a, err := openArchive(p)
		if err != nil {
			return nil, err
		}
		if _, ok := a.members["index.json"]; !ok {
			if _, ok := a.members["manifest.json"]; ok {
				return nil, fmt.Errorf("%s is a docker archive, not an OCI layout: use --archive", p)
			}
			return nil, fmt.Errorf("%s has no index.json: not an OCI image layout", p)
		}
		store = archiveStore{a}
	}
	rawIndex, err := store.read("index.json")
	if err != nil {
		return nil, fmt.Errorf("reading index.json of %s: %w", p, err)
	}
	desc, err := resolveIndex(store, rawIndex, ref, plat, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	rawManifest, err := store.blob(desc.Digest)
	if err != nil {
		return nil, fmt.Errorf("reading the image manifest of %s: %w", p, err)
	}
	m, err := v1.ParseManifest(bytes.NewReader(rawManifest))
	if err != nil {
		return nil, fmt.Errorf("parsing the image manifest of %s: %w", p, err)
	}
	rawConfig, err := store.blob(m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("reading the image config of %s: %w", p, err)
	}
	cf, err := v1.ParseConfigFile(bytes.NewReader(rawConfig))
	if err != nil {
		return nil, fmt.Errorf("parsing the image config of %s: %w", p, err)
	}
	if len(cf.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("%s: the config lists %d layers but the manifest %d", p, len(cf.RootFS.DiffIDs), len(m.Layers))
	}
	img := &blobImage{store: store, config: rawConfig, layers: map[v1.Hash]v1.Descriptor{}}
	for i, h := range cf.RootFS.DiffIDs {
		img.layers[h] = m.Layers[i]
	}
	return partial.UncompressedToImage(img)
}

const refNameAnnotation = "org.opencontainers.image.ref.name"

func resolveIndex(store blobStore, raw []byte, ref string, plat *v1.Platform, depth int) (*v1.Descriptor, error) {
	if depth > 4 {
		return nil, errors.New("image indexes nest too deep")
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing the image index: %w", err)
	}
	var cands []v1.Descriptor
	for _, d := range idx.Manifests {
		if depth == 0 && ref != "" {
			n := d.Annotations[refNameAnnotation]
			if n != ref && !strings.HasSuffix(ref, ":"+n) {
				continue
			}
		}
		cands = append(cands, d)
	}
	if len(cands) == 0 {
		if ref != "" {
			return nil, fmt.Errorf("no image named %q in the layout", ref)
		}
		return nil, errors.New("the layout holds no image")
	}
	var images []v1.Descriptor
	for _, d := range cands {
		switch d.MediaType {
		case types.OCIImageIndex, types.DockerManifestList:
			sub, err := store.blob(d.Digest)
			if err != nil {
				return nil, fmt.Errorf("reading image index %s: %w", d.Digest, err)
			}
			got, err := resolveIndex(store, sub, "", plat, depth+1)
			if err != nil {
				return nil, err
			}
			images = append(images, *got)
		case types.OCIManifestSchema1, types.DockerManifestSchema2, "":
			images = append(images, d)
		}
	}
	if len(images) == 1 {
		return &images[0], nil
	}
	for _, d := range images {
		if d.Platform != nil && d.Platform.Satisfies(*plat) {
			return &d, nil
		}
	}
	if len(images) == 0 {
		return nil, errors.New("the layout holds no image manifest")
	}
	return nil, fmt.Errorf("%d images and none for platform %s: pick one with --platform", len(images), plat)
}

// blobStore reads the files of an OCI layout.
type blobStore interface {
	read(name string) ([]byte, error)
	blob(h v1.Hash) ([]byte, error)
	open(h v1.Hash) (io.ReadCloser, error)
}

type layoutStore struct{ p layout.Path }

func (s layoutStore) read(n string) ([]byte, error) {
	f, err := os.Open(string(s.p) + "/" + n)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, maxArchiveMetadata)
}
func (s layoutStore) blob(h v1.Hash) ([]byte, error) {
	rc, err := s.p.Blob(h)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readCapped(rc, maxArchiveMetadata)
}
func (s layoutStore) open(h v1.Hash) (io.ReadCloser, error) { return s.p.Blob(h) }

type archiveStore struct{ a *archive }

func (s archiveStore) read(n string) ([]byte, error) { return s.a.readAll(n) }
func (s archiveStore) blob(h v1.Hash) ([]byte, error) {
	return s.a.readAll("blobs/" + h.Algorithm + "/" + h.Hex)
}
func (s archiveStore) open(h v1.Hash) (io.ReadCloser, error) {
	sr, f, err := s.a.open("blobs/" + h.Algorithm + "/" + h.Hex)
	if err != nil {
		return nil, err
	}
	return &readCloser{Reader: sr, close: f.Close}, nil
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("metadata larger than %d bytes", limit)
	}
	return b, nil
}

// blobImage is an image whose layers are blobs of an OCI layout,
// decompressed by the walker's own gzip and zstd readers.
type blobImage struct {
	store  blobStore
	config []byte
	layers map[v1.Hash]v1.Descriptor
}

var _ partial.UncompressedImageCore = (*blobImage)(nil)

func (i *blobImage) RawConfigFile() ([]byte, error) { return i.config, nil }
func (i *blobImage) MediaType() (types.MediaType, error) {
	return types.OCIManifestSchema1, nil
}
func (i *blobImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	d, ok := i.layers[h]
	if !ok {
		return nil, fmt.Errorf("layer %s not in the layout", h)
	}
	return &blobLayer{store: i.store, desc: d, diffID: h}, nil
}

type blobLayer struct {
	store  blobStore
	desc   v1.Descriptor
	diffID v1.Hash
}

func (l *blobLayer) DiffID() (v1.Hash, error) { return l.diffID, nil }
func (l *blobLayer) MediaType() (types.MediaType, error) {
	return types.OCIUncompressedLayer, nil
}
func (l *blobLayer) Uncompressed() (io.ReadCloser, error) {
	if len(l.desc.URLs) > 0 {
		return nil, fmt.Errorf("layer %s is a foreign layer (%s) not stored in the layout", l.desc.Digest, l.desc.MediaType)
	}
	rc, err := l.store.open(l.desc.Digest)
	if err != nil {
		return nil, err
	}
	return decompress(rc, rc)
}
