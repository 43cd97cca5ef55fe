package inventory

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
)

// Limits on Java archives, against zip bombs and deep nesting.
const (
	maxJavaDepth      = 3        // archives inside archives inside archives
	maxJavaNested     = 32 << 20 // uncompressed bytes of one nested archive read into memory
	maxJavaMetadata   = 1 << 20  // one pom.properties or MANIFEST.MF
	maxJavaTotalBytes = 512 << 20
	maxJavaEntries    = 200_000
)

// javaArchive reports whether a name is a Java archive.
func javaArchive(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".kar", ".nar":
		return true
	}
	return false
}

// ParseJavaArchive lists the Maven artifacts in a Java archive: each
// META-INF/maven/GROUP/ARTIFACT/pom.properties, else the manifest
// (Implementation-Title/Version, Bundle-SymbolicName) or the file name;
// nested archives (Spring Boot BOOT-INF/lib, WEB-INF/lib, EARs) are read
// too, up to three levels, with bounded sizes. Package.File of nested
// artifacts is "outer.jar!inner.jar".
func ParseJavaArchive(r io.ReaderAt, size int64, file string) ([]Package, error) {
	budget := int64(maxJavaTotalBytes)
	out, err := parseJar(r, size, file, 0, &budget)
	return dedupe(out), err
}

func parseJar(r io.ReaderAt, size int64, file string, depth int, budget *int64) ([]Package, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("reading the Java archive %s: %w", file, err)
	}
	if len(zr.File) > maxJavaEntries {
		return nil, fmt.Errorf("the Java archive %s has %d entries: too many", file, len(zr.File))
	}
	var out []Package
	var manifest []byte
	var errs []string
	for _, f := range zr.File {
		name := f.Name
		switch {
		case strings.HasPrefix(name, "META-INF/maven/") && strings.HasSuffix(name, "/pom.properties"):
			b, err := readZipEntry(f, maxJavaMetadata, budget)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if p, ok := parsePomProperties(b); ok {
				p.File = file
				out = append(out, p)
			}
		case strings.EqualFold(name, "META-INF/MANIFEST.MF"):
			manifest, _ = readZipEntry(f, maxJavaMetadata, budget)
		case javaArchive(name) && !f.FileInfo().IsDir():
			if depth+1 > maxJavaDepth {
				continue
			}
			if f.UncompressedSize64 > maxJavaNested {
				errs = append(errs, fmt.Sprintf("%s!%s is larger than %d bytes: not read", file, name, maxJavaNested))
				continue
			}
			b, err := readZipEntry(f, maxJavaNested, budget)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			inner, err := parseJar(bytes.NewReader(b), int64(len(b)), file+"!"+name, depth+1, budget)
			if err != nil {
				errs = append(errs, err.Error())
			}
			out = append(out, inner...)
		}
	}
	if !hasOwnArtifact(out, file) {
		if p, ok := fromManifest(manifest, file); ok {
			out = append(out, p)
		}
	}
	for i := range out {
		if out[i].File == "" {
			out[i].File = file
		}
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}

func hasOwnArtifact(ps []Package, file string) bool {
	for _, p := range ps {
		if p.File == file {
			return true
		}
	}
	return false
}

func readZipEntry(f *zip.File, limit int64, budget *int64) ([]byte, error) {
	if int64(f.UncompressedSize64) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes: not read", f.Name, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	// The declared size can lie: read at most limit+1.
	b, err := io.ReadAll(io.LimitReader(rc, min(limit, *budget)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if int64(len(b)) > min(limit, *budget) {
		return nil, fmt.Errorf("%s decompresses to more than %d bytes: not read (a zip bomb?)", f.Name, min(limit, *budget))
	}
	*budget -= int64(len(b))
	return b, nil
}

func parsePomProperties(b []byte) (Package, bool) {
	props := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		props[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	g, a, v := props["groupId"], props["artifactId"], props["version"]
	if g == "" || a == "" || v == "" {
		return Package{}, false
	}
	return Package{Name: g + ":" + a, Version: v, Type: Maven}, true
}

var jarFileVersion = regexp.MustCompile(`^(.+?)-(\d[\w.\-+]*)\.[a-zA-Z]+$`)

// fromManifest names an archive without pom.properties by its manifest,
// or failing that by its file name ("name-1.2.3.jar").
func fromManifest(manifest []byte, file string) (Package, bool) {
	attrs := map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(string(manifest), "\r\n", "\n"), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, " ") {
			attrs[k] = strings.TrimSpace(v)
		}
	}
	version := cmpOr(attrs["Implementation-Version"], attrs["Bundle-Version"], attrs["Specification-Version"])
	artifact := cmpOr(attrs["Implementation-Title"], attrs["Bundle-SymbolicName"])
	group := cmpOr(attrs["Implementation-Vendor-Id"], attrs["Automatic-Module-Name"])
	artifact, _, _ = strings.Cut(artifact, ";")
	base := path.Base(file[strings.LastIndex(file, "!")+1:])
	if m := jarFileVersion.FindStringSubmatch(base); m != nil {
		if version == "" {
			version = m[2]
		}
		if artifact == "" || strings.Contains(artifact, " ") {
			artifact = m[1]
		}
	}
	if artifact == "" || version == "" || strings.Contains(artifact, " ") {
		return Package{}, false
	}
	name := artifact
	if group != "" && !strings.Contains(artifact, ".") && !strings.Contains(group, " ") {
		name = group + ":" + artifact
	} else if strings.Contains(artifact, ".") && !strings.Contains(artifact, ":") {
		// "org.apache.commons.lang3" style: group and artifact in one.
		i := strings.LastIndexByte(artifact, '.')
		name = artifact[:i] + ":" + artifact[i+1:]
	}
	if !strings.Contains(name, ":") {
		name = name + ":" + name
	}
	return Package{Name: name, Version: version, Type: Maven, File: file}, true
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
