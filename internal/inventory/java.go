package inventory

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
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
	// The artifacts of pom.properties files and the pom.xml files, by
	// their META-INF/maven/GROUP/ARTIFACT/ directory.
	propsDir := map[int]string{}
	poms := map[string]pomXML{}
	var pomDirs []string
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
				propsDir[len(out)] = path.Dir(name)
				out = append(out, p)
			}
		case strings.HasPrefix(name, "META-INF/maven/") && strings.HasSuffix(name, "/pom.xml"):
			b, err := readZipEntry(f, maxJavaMetadata, budget)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			pom, err := parsePomXML(b)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s!%s: %v", file, name, err))
				continue
			}
			if _, seen := poms[path.Dir(name)]; !seen {
				pomDirs = append(pomDirs, path.Dir(name))
			}
			poms[path.Dir(name)] = pom
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
	// Licenses come from the pom.xml next to each pom.properties; a
	// pom.xml alone names its artifact too.
	withProps := map[string]bool{}
	for i, dir := range propsDir {
		withProps[dir] = true
		if pom, ok := poms[dir]; ok {
			out[i].Licenses = pom.licenses()
		}
	}
	for _, dir := range pomDirs {
		if withProps[dir] {
			continue
		}
		if p, ok := poms[dir].pkg(); ok {
			p.File = file
			out = append(out, p)
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

// pomXML is what palisade reads of a Maven POM embedded in an archive
// (META-INF/maven/GROUP/ARTIFACT/pom.xml).
type pomXML struct {
	GroupID    string `xml:"groupId"`
	ArtifactID string `xml:"artifactId"`
	Version    string `xml:"version"`
	Parent     struct {
		GroupID string `xml:"groupId"`
		Version string `xml:"version"`
	} `xml:"parent"`
	Licenses []struct {
		Name string `xml:"name"`
		URL  string `xml:"url"`
	} `xml:"licenses>license"`
}

// parsePomXML reads a POM. encoding/xml expands no external entities and
// the caller bounds the size.
func parsePomXML(b []byte) (pomXML, error) {
	var pom pomXML
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.CharsetReader = pomCharsetReader
	if err := dec.Decode(&pom); err != nil {
		return pomXML{}, fmt.Errorf("parsing pom.xml: %w", err)
	}
	return pom, nil
}

// pomCharsetReader reads the single-byte encodings some POMs declare
// (ISO-8859-1, windows-1252) as Latin-1; anything else is read as is.
func pomCharsetReader(charset string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii":
		b, err := io.ReadAll(io.LimitReader(in, maxJavaMetadata))
		if err != nil {
			return nil, err
		}
		rs := make([]rune, len(b))
		for i, c := range b {
			rs[i] = rune(c)
		}
		return strings.NewReader(string(rs)), nil
	}
	return in, nil
}

// pkg names the artifact of a POM, its group and version inherited from
// the parent when it does not set them; nil when they are unresolved
// properties ("${revision}").
func (p pomXML) pkg() (Package, bool) {
	g := cmpOr(strings.TrimSpace(p.GroupID), strings.TrimSpace(p.Parent.GroupID))
	a := strings.TrimSpace(p.ArtifactID)
	v := cmpOr(strings.TrimSpace(p.Version), strings.TrimSpace(p.Parent.Version))
	if g == "" || a == "" || v == "" || strings.Contains(g+a+v, "${") {
		return Package{}, false
	}
	return Package{Name: g + ":" + a, Version: v, Type: Maven, Licenses: p.licenses()}, true
}

// licenses are the POM's <licenses>, as SPDX identifiers when the name
// or URL is one of the common spellings, else as declared. A POM that
// inherits its licenses from a parent POM declares none here: the parent
// is not in the archive, so they are not knowable from the image.
func (p pomXML) licenses() []string {
	var out []string
	for _, l := range p.Licenses {
		name := strings.Join(strings.Fields(l.Name), " ")
		u := strings.TrimSpace(l.URL)
		id := spdxFromMaven(name, u)
		if id == "" {
			id = cmpOr(name, u)
		}
		if id != "" && len(id) <= 200 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// mavenLicenseNames maps the license names Maven POMs use most to SPDX
// identifiers (lower-cased, spaces collapsed).
var mavenLicenseNames = map[string]string{
	"apache-2.0": "Apache-2.0", "apache 2.0": "Apache-2.0", "apache 2": "Apache-2.0", "apache license 2.0": "Apache-2.0",
	"apache license, version 2.0": "Apache-2.0", "the apache license, version 2.0": "Apache-2.0",
	"the apache software license, version 2.0": "Apache-2.0", "apache software license - version 2.0": "Apache-2.0",
	"apache license version 2.0": "Apache-2.0", "apache public license 2.0": "Apache-2.0", "asl 2.0": "Apache-2.0",
	"mit": "MIT", "mit license": "MIT", "the mit license": "MIT", "the mit license (mit)": "MIT", "mit-0": "MIT-0",
	"bsd-2-clause": "BSD-2-Clause", "bsd 2-clause license": "BSD-2-Clause", "the bsd 2-clause license": "BSD-2-Clause", "simplified bsd license": "BSD-2-Clause",
	"bsd-3-clause": "BSD-3-Clause", "bsd 3-clause": "BSD-3-Clause", "bsd 3-clause license": "BSD-3-Clause", "the bsd 3-clause license": "BSD-3-Clause",
	"new bsd license": "BSD-3-Clause", "revised bsd": "BSD-3-Clause", "bsd license 3": "BSD-3-Clause", "eclipse distribution license - v 1.0": "BSD-3-Clause",
	"edl 1.0":                        "BSD-3-Clause",
	"eclipse public license - v 1.0": "EPL-1.0", "eclipse public license 1.0": "EPL-1.0", "epl-1.0": "EPL-1.0",
	"eclipse public license - v 2.0": "EPL-2.0", "eclipse public license 2.0": "EPL-2.0", "eclipse public license v2.0": "EPL-2.0", "epl-2.0": "EPL-2.0", "epl 2.0": "EPL-2.0",
	"mozilla public license 2.0": "MPL-2.0", "mozilla public license version 2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0", "mpl-2.0": "MPL-2.0",
	"gnu lesser general public license v2.1 only": "LGPL-2.1-only", "lgpl-2.1-only": "LGPL-2.1-only", "lgpl-2.1-or-later": "LGPL-2.1-or-later",
	"gnu general public license v2.0 only, with classpath exception": "GPL-2.0-only WITH Classpath-exception-2.0",
	"gpl2 w/ cpe": "GPL-2.0-only WITH Classpath-exception-2.0",
	"cc0":         "CC0-1.0", "cc0 1.0 universal": "CC0-1.0", "public domain, per creative commons cc0": "CC0-1.0",
	"bouncy castle licence": "MIT", "isc": "ISC", "isc license": "ISC", "unlicense": "Unlicense", "the unlicense": "Unlicense",
	"go license": "BSD-3-Clause", "universal permissive license, version 1.0": "UPL-1.0", "upl-1.0": "UPL-1.0",
}

// mavenLicenseURLs maps license URLs to SPDX identifiers.
var mavenLicenseURLs = map[string]string{
	"apache.org/licenses/license-2.0":             "Apache-2.0",
	"apache.org/licenses/license-2.0.txt":         "Apache-2.0",
	"apache.org/licenses/license-2.0.html":        "Apache-2.0",
	"opensource.org/licenses/mit":                 "MIT",
	"opensource.org/licenses/mit-license.php":     "MIT",
	"opensource.org/licenses/bsd-2-clause":        "BSD-2-Clause",
	"opensource.org/licenses/bsd-3-clause":        "BSD-3-Clause",
	"eclipse.org/legal/epl-v10.html":              "EPL-1.0",
	"eclipse.org/legal/epl-2.0":                   "EPL-2.0",
	"eclipse.org/legal/epl-v20.html":              "EPL-2.0",
	"eclipse.org/org/documents/edl-v10.php":       "BSD-3-Clause",
	"mozilla.org/mpl/2.0":                         "MPL-2.0",
	"creativecommons.org/publicdomain/zero/1.0":   "CC0-1.0",
	"oss.oracle.com/licenses/upl":                 "UPL-1.0",
	"www.bouncycastle.org/licence.html":           "MIT",
	"opensource.org/licenses/apache-2.0":          "Apache-2.0",
	"spdx.org/licenses/apache-2.0.html":           "Apache-2.0",
	"spdx.org/licenses/mit.html":                  "MIT",
	"github.com/google/guava/blob/master/license": "Apache-2.0",
}

func spdxFromMaven(name, u string) string {
	if id, ok := mavenLicenseNames[strings.ToLower(name)]; ok {
		return id
	}
	k := strings.ToLower(strings.TrimSpace(u))
	k = strings.TrimPrefix(strings.TrimPrefix(k, "https://"), "http://")
	k = strings.TrimSuffix(strings.TrimPrefix(k, "www."), "/")
	if id, ok := mavenLicenseURLs[k]; ok {
		return id
	}
	if id, ok := mavenLicenseURLs["www."+k]; ok {
		return id
	}
	return ""
}
