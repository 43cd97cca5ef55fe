// Command benchimage writes the images scripts/bench-image.sh measures:
//
//	-debian FILE  a docker archive of the Debian bookworm root built by
//	              .ci/setup-image.sh, in several layers, one of which adds
//	              a private key that a later one deletes;
//	-big FILE     a generated image of about -size bytes uncompressed
//	              (default 2 GiB) in 8 layers of many small and some large
//	              files, with one secret.
//
// It is a benchmark helper, not part of palisade.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	debian := flag.String("debian", "", "write the layered Debian image archive here")
	root := flag.String("root", "/var/cache/palisade-test/bookworm-minbase", "Debian root file system")
	big := flag.String("big", "", "write the generated large image archive here")
	size := flag.Int64("size", 2<<30, "uncompressed size of the large image")
	flag.Parse()
	if *debian != "" {
		if err := writeDebian(*debian, *root); err != nil {
			log.Fatal(err)
		}
	}
	if *big != "" {
		if err := writeBig(*big, *size); err != nil {
			log.Fatal(err)
		}
	}
}

func layerFromTar(build func(tw *tar.Writer) error) (v1.Layer, error) {
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() {
			tw := tar.NewWriter(pw)
			err := build(tw)
			if err == nil {
				err = tw.Close()
			}
			pw.CloseWithError(err)
		}()
		return pr, nil
	}, tarball.WithCompressionLevel(gzip.BestSpeed))
}

func addFile(tw *tar.Writer, name string, body []byte, mode int64) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body))}); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}

// rootLayer tars the part of root selected by keep.
func rootLayer(root string, keep func(rel string) bool) (v1.Layer, error) {
	return layerFromTar(func(tw *tar.Writer) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if rel == "." {
				return nil
			}
			first, _, _ := strings.Cut(rel, "/")
			if (first == "proc" || first == "sys" || first == "dev") && rel != first {
				return nil
			}
			if !d.IsDir() && !keep(rel) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Mode()&fs.ModeSocket != 0 || info.Mode()&fs.ModeDevice != 0 {
				return nil
			}
			link := ""
			if info.Mode()&fs.ModeSymlink != 0 {
				link, _ = os.Readlink(p)
			}
			h, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			h.Name = rel
			if d.IsDir() {
				h.Name += "/"
			}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if h.Typeflag == tar.TypeReg {
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = io.Copy(tw, f)
				return err
			}
			return nil
		})
	})
}

func writeDebian(out, root string) error {
	if _, err := os.Stat(filepath.Join(root, "var/lib/dpkg/status")); err != nil {
		return fmt.Errorf("no Debian root at %s: run .ci/setup-image.sh", root)
	}
	// Split the root the way a Dockerfile would: usr/lib, the rest of
	// usr, everything else; then the secret and its removal.
	l0, err := rootLayer(root, func(rel string) bool { return !strings.HasPrefix(rel, "usr/") })
	if err != nil {
		return err
	}
	l1, err := rootLayer(root, func(rel string) bool { return strings.HasPrefix(rel, "usr/lib/") })
	if err != nil {
		return err
	}
	l2, err := rootLayer(root, func(rel string) bool { return strings.HasPrefix(rel, "usr/") && !strings.HasPrefix(rel, "usr/lib/") })
	if err != nil {
		return err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	l3, err := layerFromTar(func(tw *tar.Writer) error { return addFile(tw, "root/.ssh/id_rsa", keyPEM, 0o600) })
	if err != nil {
		return err
	}
	l4, err := layerFromTar(func(tw *tar.Writer) error {
		return addFile(tw, "root/.ssh/.wh.id_rsa", nil, 0o600)
	})
	if err != nil {
		return err
	}
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: l0, History: v1.History{CreatedBy: "debootstrap --variant=minbase bookworm (without /usr)"}},
		mutate.Addendum{Layer: l1, History: v1.History{CreatedBy: "COPY usr/lib /usr/lib"}},
		mutate.Addendum{Layer: l2, History: v1.History{CreatedBy: "COPY usr /usr"}},
		mutate.Addendum{Layer: l3, History: v1.History{CreatedBy: "COPY id_rsa /root/.ssh/id_rsa # buildkit"}},
		mutate.Addendum{Layer: l4, History: v1.History{CreatedBy: "RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit"}},
	)
	if err != nil {
		return err
	}
	return write(out, "bench/debian-secret:1", img)
}

func write(out, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, tag, img)
}

// writeBig writes 8 layers totalling about size bytes: text-like files
// of 4-64 KiB, and in each layer two large files of size/64.
func writeBig(out string, size int64) error {
	const layers = 8
	per := size / layers
	words := strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua config value server port host user path file data cache log level debug info warn error")
	var adds []mutate.Addendum
	for li := range layers {
		l, err := layerFromTar(func(tw *tar.Writer) error {
			rng := mrand.New(mrand.NewPCG(uint64(li), 7))
			text := func(n int) []byte {
				var b bytes.Buffer
				for b.Len() < n {
					for range 12 {
						b.WriteString(words[rng.IntN(len(words))])
						b.WriteByte(' ')
					}
					fmt.Fprintf(&b, "%d\n", rng.Int64())
				}
				return b.Bytes()[:n]
			}
			var written int64
			for i := range 2 {
				n := int(size / 64)
				if err := addFile(tw, fmt.Sprintf("data/layer%d/blob%d.bin", li, i), text(n), 0o644); err != nil {
					return err
				}
				written += int64(n)
			}
			for i := 0; written < per; i++ {
				n := 4<<10 + rng.IntN(60<<10)
				body := text(n)
				if li == 3 && i == 100 {
					body = append([]byte("aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\"\nAWS_ACCESS_KEY_ID=AKIAQYLPMN5HHHFPZAM2\n"), body...)
				}
				if err := addFile(tw, fmt.Sprintf("srv/app%d/f%06d.txt", li, i), body, 0o644); err != nil {
					return err
				}
				written += int64(len(body))
			}
			return nil
		})
		if err != nil {
			return err
		}
		adds = append(adds, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: fmt.Sprintf("COPY app%d /srv/app%d", li, li)}})
	}
	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		return err
	}
	return write(out, "bench/big:1", img)
}
