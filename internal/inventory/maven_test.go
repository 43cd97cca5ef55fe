package inventory

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// pomHeader is how Maven writes a POM's root element.
const pomHeader = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
`

func TestPomLicenses(t *testing.T) {
	for _, tc := range []struct {
		name, pom string
		pkg       string // name@version from pkg(), "" when unresolvable
		want      []string
	}{
		{"apache by name", pomHeader + `<groupId>g</groupId><artifactId>a</artifactId><version>1</version>
  <licenses><license><name>The Apache Software License, Version 2.0</name><url>http://www.apache.org/licenses/LICENSE-2.0.txt</url><distribution>repo</distribution></license></licenses></project>`,
			"g:a@1", []string{"Apache-2.0"}},
		{"by URL only", pomHeader + `<groupId>g</groupId><artifactId>a</artifactId><version>1</version>
  <licenses><license><name>Some Name</name><url>https://opensource.org/licenses/MIT</url></license></licenses></project>`,
			"g:a@1", []string{"MIT"}},
		{"dual, one unknown", pomHeader + `<groupId>g</groupId><artifactId>a</artifactId><version>1</version>
  <licenses><license><name>EPL 2.0</name></license><license><name>GPL2 w/ CPE</name></license><license><name>Acme Commercial   License</name></license></licenses></project>`,
			"g:a@1", []string{"EPL-2.0", "GPL-2.0-only WITH Classpath-exception-2.0", "Acme Commercial License"}},
		{"inherited from the parent", pomHeader + `<parent><groupId>org.slf4j</groupId><artifactId>slf4j-parent</artifactId><version>1.7.32</version></parent>
  <artifactId>slf4j-api</artifactId></project>`, "org.slf4j:slf4j-api@1.7.32", nil},
		{"unresolved property", pomHeader + `<groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version></project>`, "", nil},
		{"latin-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version><licenses><license><name>Licen\xe7a P\xfablica</name></license></licenses></project>",
			"g:a@1", []string{"Licença Pública"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pom, err := parsePomXML([]byte(tc.pom))
			if err != nil {
				t.Fatal(err)
			}
			p, ok := pom.pkg()
			got := ""
			if ok {
				got = p.Name + "@" + p.Version
			}
			if got != tc.pkg || !slices.Equal(pom.licenses(), tc.want) {
				t.Errorf("pkg %q licenses %q, want %q %q", got, pom.licenses(), tc.pkg, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "<project><licenses>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><project><name>&e;</name></project>"} {
		if _, err := parsePomXML([]byte(bad)); err == nil {
			t.Errorf("parsePomXML(%q): no error", bad)
		}
	}
}

// TestPomInArchive: pom.xml gives the licenses of the pom.properties
// artifact beside it, and names its artifact when pom.properties is
// missing; a broken pom.xml is reported without losing the artifact.
func TestPomInArchive(t *testing.T) {
	lib := zipOf(t, map[string]string{
		"META-INF/maven/org.example/lib/pom.properties": "groupId=org.example\nartifactId=lib\nversion=2.0\n",
		"META-INF/maven/org.example/lib/pom.xml":        pomHeader + "<groupId>org.example</groupId><artifactId>lib</artifactId><version>2.0</version><licenses><license><name>MIT License</name></license></licenses></project>",
	})
	app := zipOf(t, map[string]string{
		"META-INF/maven/com.example/app/pom.xml":           pomHeader + "<groupId>com.example</groupId><artifactId>app</artifactId><version>1.0</version><licenses><license><name>Apache-2.0</name></license></licenses></project>",
		"META-INF/maven/com.example/broken/pom.xml":        "<project><licenses>",
		"META-INF/maven/com.example/broken/pom.properties": "groupId=com.example\nartifactId=broken\nversion=3\n",
		"BOOT-INF/lib/lib-2.0.jar":                         string(lib),
	})
	ps, err := ParseJavaArchive(bytes.NewReader(app), int64(len(app)), "app.jar")
	if err == nil || !strings.Contains(err.Error(), "com.example/broken/pom.xml") {
		t.Errorf("error %v", err)
	}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Name+"@"+p.Version] = strings.Join(p.Licenses, ",")
	}
	want := map[string]string{"com.example:app@1.0": "Apache-2.0", "org.example:lib@2.0": "MIT", "com.example:broken@3": ""}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, v := range want {
		if l, ok := got[k]; !ok || l != v {
			t.Errorf("%s licenses %q (found %v), want %q", k, l, ok, v)
		}
	}
}

// TestRealMavenJars reads jars built by Maven as Debian ships them
// (libjansi-java, libslf4j-java; .ci/setup-image.sh installs them), alone
// and nested in a Spring Boot style application archive.
func TestRealMavenJars(t *testing.T) {
	jars := map[string]string{
		"/usr/share/java/jansi.jar":          "org.fusesource.jansi:jansi=Apache-2.0",
		"/usr/share/java/jcl-over-slf4j.jar": "org.slf4j:jcl-over-slf4j=Apache-2.0",
		// slf4j-api's POM inherits its licenses from slf4j-parent, which
		// is not in the jar: not knowable from the image.
		"/usr/share/java/slf4j-api.jar": "org.slf4j:slf4j-api=",
	}
	nested := map[string]string{"META-INF/maven/com.example/app/pom.properties": "groupId=com.example\nartifactId=app\nversion=1\n"}
	for p, want := range jars {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v: run .ci/setup-image.sh", err)
		}
		ps, err := ParseJavaArchive(bytes.NewReader(b), int64(len(b)), p)
		if err != nil || len(ps) != 1 {
			t.Fatalf("%s: %v %+v", p, err, ps)
		}
		if got := ps[0].Name + "=" + strings.Join(ps[0].Licenses, ","); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
		nested["BOOT-INF/lib/"+strings.TrimPrefix(p, "/usr/share/java/")] = string(b)
	}
	app := zipOf(t, nested)
	ps, err := ParseJavaArchive(bytes.NewReader(app), int64(len(app)), "app.jar")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name+"="+strings.Join(p.Licenses, ","))
	}
	slices.Sort(got)
	want := []string{"com.example:app=", "org.fusesource.jansi:jansi=Apache-2.0", "org.slf4j:jcl-over-slf4j=Apache-2.0", "org.slf4j:slf4j-api="}
	if !slices.Equal(got, want) {
		t.Errorf("nested: %q, want %q", got, want)
	}
}
