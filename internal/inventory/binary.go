package inventory

import (
	"bytes"
	"compress/zlib"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseGoBinary lists the modules a Go binary was built from
// (debug/buildinfo): the main module, every dependency (the replacement
// when replaced) and the toolchain as "stdlib". A file that is not a Go
// binary gives no packages and no error.
func ParseGoBinary(r io.ReaderAt) ([]Package, error) {
	bi, err := buildinfo.Read(r)
	if err != nil {
		return nil, nil
	}
	var out []Package
	if v := strings.TrimPrefix(bi.GoVersion, "go"); v != "" {
		// "go1.22.1 X:boringcrypto" -> "1.22.1"
		v, _, _ = strings.Cut(v, " ")
		out = append(out, Package{Name: "stdlib", Version: v, Type: Golang})
	}
	if bi.Main.Path != "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		out = append(out, Package{Name: bi.Main.Path, Version: bi.Main.Version, Type: Golang})
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		if d.Path == "" || d.Version == "" || d.Version == "(devel)" {
			continue // local replacements have no version
		}
		out = append(out, Package{Name: d.Path, Version: d.Version, Type: Golang})
	}
	return out, nil
}

// maxAuditableJSON bounds the decompressed cargo-auditable section.
const maxAuditableJSON = 8 << 20

// ParseRustAuditable lists the crates a Rust binary built with
// cargo-auditable embeds in its ".dep-v0" ELF section (zlib-compressed
// JSON). A file that is not such a binary gives no packages and no error.
func ParseRustAuditable(r io.ReaderAt) ([]Package, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	sec := f.Section(".dep-v0")
	if sec == nil {
		return nil, nil
	}
	if sec.Size > maxAuditableJSON {
		return nil, fmt.Errorf("the .dep-v0 section is %d bytes: too large", sec.Size)
	}
	zr, err := zlib.NewReader(sec.Open())
	if err != nil {
		return nil, fmt.Errorf("reading the cargo-auditable section: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxAuditableJSON+1))
	if err != nil {
		return nil, fmt.Errorf("reading the cargo-auditable section: %w", err)
	}
	if len(data) > maxAuditableJSON {
		return nil, errors.New("the cargo-auditable section decompresses to more than 8 MiB")
	}
	var doc struct {
		Packages []struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Source  string `json:"source"`
			Kind    string `json:"kind"`
		} `json:"packages"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("parsing the cargo-auditable section: %w", err)
	}
	var out []Package
	for _, p := range doc.Packages {
		if p.Name == "" || p.Version == "" || p.Kind == "build" {
			continue // build dependencies are not in the binary
		}
		out = append(out, Package{Name: p.Name, Version: p.Version, Type: Cargo})
	}
	return out, nil
}
