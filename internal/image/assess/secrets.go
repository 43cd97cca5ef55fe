package assess

import (
	"context"
	"io/fs"
	"strings"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/secret"
)

// AnalyzerSecret is the name of the analyzer that scans every file of
// every layer for secrets.
const AnalyzerSecret = "secret"

// secretAnalyzer runs the shared secret detectors on the first
// secret.MaxScanBytes of every non-empty regular file of every layer,
// deleted ones included: a secret copied in and removed later is still
// in the image.
type secretAnalyzer struct{}

var (
	_ image.Analyzer = secretAnalyzer{}
	_ image.Limited  = secretAnalyzer{}
)

func (secretAnalyzer) Name() string         { return AnalyzerSecret }
func (secretAnalyzer) Version() int         { return 2 }
func (secretAnalyzer) Limit() (int64, bool) { return secret.MaxScanBytes, true }
func (secretAnalyzer) Decode(b []byte) (any, error) {
	return image.DecodeJSON[[]secret.Match](b)
}
func (secretAnalyzer) Required(_ string, info fs.FileInfo) bool {
	return info.Mode().IsRegular() && info.Size() > 0
}
func (secretAnalyzer) Analyze(_ context.Context, f *image.File) (any, error) {
	b, err := f.Bytes(secret.MaxScanBytes)
	if err != nil {
		return nil, err
	}
	if systemLibrary(f.Path, b) {
		return nil, nil
	}
	if ms := secret.Scan("/"+f.Path, b); len(ms) > 0 {
		return ms, nil
	}
	return nil, nil
}

// systemLibrary reports an ELF file in a system library directory.
// Crypto libraries (libgnutls, libcrypto) embed the private keys of
// their self-tests; a distribution ships them, not the image author, and
// reporting them would bury real findings. Binaries elsewhere
// (/usr/local, /app, /opt, /usr/bin) are still scanned.
func systemLibrary(p string, b []byte) bool {
	if len(b) < 4 || string(b[:4]) != "\x7fELF" {
		return false
	}
	for _, dir := range []string{"lib/", "lib32/", "lib64/", "usr/lib/", "usr/lib32/", "usr/lib64/", "usr/libexec/"} {
		if strings.HasPrefix(p, dir) {
			return true
		}
	}
	return false
}

// SecretAnalyzer returns the layer secret analyzer.
func SecretAnalyzer() image.Analyzer { return secretAnalyzer{} }
