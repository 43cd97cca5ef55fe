package version

import (
	"testing"
)

// ordered checks that each version sorts strictly before the next, and
// every pair in the list compares consistently.
func ordered(t *testing.T, s Scheme, vs ...string) {
	t.Helper()
	parsed := make([]Version, len(vs))
	for i, x := range vs {
		v, err := s.Parse(x)
		if err != nil {
			t.Fatalf("%s: Parse(%q): %v", s.Name(), x, err)
		}
		parsed[i] = v
	}
	for i := range parsed {
		for j := range parsed {
			want := sign(i - j)
			if got := parsed[i].Compare(parsed[j]); got != want {
				t.Errorf("%s: compare(%q, %q) = %d, want %d", s.Name(), vs[i], vs[j], got, want)
			}
		}
	}
}

// cmpCase is one comparison taken from a format's specification or its
// reference implementation's test suite.
type cmpCase struct {
	a, b string
	want int
}

func compareAll(t *testing.T, s Scheme, cases []cmpCase) {
	t.Helper()
	for _, c := range cases {
		got, err := Compare(s, c.a, c.b)
		if err != nil {
			t.Errorf("%s: Compare(%q, %q): %v", s.Name(), c.a, c.b, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: Compare(%q, %q) = %d, want %d", s.Name(), c.a, c.b, got, c.want)
		}
		if back, _ := Compare(s, c.b, c.a); back != -c.want {
			t.Errorf("%s: Compare(%q, %q) = %d, not antisymmetric", s.Name(), c.b, c.a, back)
		}
	}
}

// deb-version(7) and Debian Policy 5.6.12: "~" sorts before anything,
// even the end of a part; letters before non-letters; epochs first.
func TestDpkgSpec(t *testing.T) {
	ordered(t, Dpkg, "1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1")
	ordered(t, Dpkg, "1.0~rc1-1", "1.0-1", "1.0-1+b1", "1.0-1.1", "1.0-2", "1:0.1")
	ordered(t, Dpkg, "2.36-9", "2.36-9+deb12u1", "2.36-9+deb12u10", "2.36-10")
	ordered(t, Dpkg, "1a", "1.2.3", "1.2.10", "1.10", "2")
	compareAll(t, Dpkg, []cmpCase{
		{"1.0", "1.0-0", 0},
		{"0:1.0", "1.0", 0},
		{"1.001", "1.1", 0},
		{"1:1.0", "2.0", 1},
		{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
		{"3.0.11-1~deb12u2", "3.0.11-1", -1},
		{"1.2.3-1ubuntu0.1~18.04.4", "1.2.3-1ubuntu0.1~18.04.3", 1},
	})
	for _, bad := range []string{"", ":1.0", "a:1.0", "1.0-", "1:", "1.0 1", "1.0_1"} {
		if _, err := Dpkg.Parse(bad); err == nil {
			t.Errorf("dpkg: Parse(%q) accepted", bad)
		}
	}
}

// The cases of rpm's own test suite for rpmvercmp (tests/rpmvercmp.at).
func TestRPMSpec(t *testing.T) {
	cases := []cmpCase{
		{"1.0", "1.0", 0}, {"1.0", "2.0", -1}, {"2.0.1", "2.0", 1},
		{"2.0.1a", "2.0.1", 1}, {"5.5p1", "5.5p2", -1}, {"5.5p10", "5.5p1", 1},
		{"10xyz", "10.1xyz", -1}, {"xyz10", "xyz10.1", -1}, {"xyz.4", "8", -1},
		{"xyz.4", "2", -1}, {"5.5p2", "5.6p1", -1}, {"5.6p1", "6.5p1", -1},
		{"6.0.rc1", "6.0", 1}, {"10b2", "10a1", 1}, {"10a2", "10b2", -1},
		{"1.0aa", "1.0a", 1}, {"10.0001", "10.1", 0}, {"10.0001", "10.0039", -1},
		{"4.999.9", "5.0", -1}, {"20101121", "20101122", -1},
		{"2_0", "2.0", 0}, {"a+", "a_", 0}, {"+a", "_a", 0}, {"_+", "+_", 0}, {"+", "_", 0},
		{"1.0~rc1", "1.0", -1}, {"1.0~rc1", "1.0~rc2", -1},
		{"1.0~rc1~git123", "1.0~rc1", -1},
		{"1.0^", "1.0", 1}, {"1.0^git1", "1.0", 1}, {"1.0^git1", "1.0^git2", -1},
		{"1.0^git1", "1.01", -1}, {"1.0^20160101", "1.0.1", -1},
		{"1.0^20160102", "1.0^20160101^git1", 1}, {"1.0~rc1^git1", "1.0~rc1", 1},
		{"1.0^git1", "1.0^git1~pre", 1},
	}
	for _, c := range cases {
		if got := rpmvercmp(c.a, c.b); got != c.want {
			t.Errorf("rpmvercmp(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	// Whole EVRs: the epoch wins, then version, then release when both
	// have one.
	compareAll(t, RPM, []cmpCase{
		{"1:1.0-1", "2.0-1", 1},
		{"0:2.13.3-3.el8_6.1", "2.13.3-3.el8_6", 1},
		{"1.18.2-14.el8", "1.18.2-8.el8", 1},
		{"3.0.7-27.el9", "1:3.0.7-24.el9", -1},
		{"2.5.0-1", "2.5.0", 0},
		{"1.0-1.el9~beta", "1.0-1.el9", -1},
	})
	if _, err := RPM.Parse("x:1.0"); err == nil {
		t.Error("rpm: a non-numeric epoch was accepted")
	}
}

// apk-tools' format (APKBUILD pkgver and pkgrel).
func TestAPKSpec(t *testing.T) {
	ordered(t, APK, "1.0_alpha", "1.0_alpha2", "1.0_beta", "1.0_pre1", "1.0_rc1", "1.0", "1.0-r1", "1.0-r10",
		"1.0_cvs", "1.0_svn", "1.0_git20240101", "1.0_hg", "1.0_p1", "1.0_p2", "1.0a", "1.0b", "1.0.1", "1.1")
	ordered(t, APK, "1.005", "1.05", "1.5", "1.10")
	ordered(t, APK, "3.0.13-r0", "3.0.14-r0", "3.1.0-r0", "3.1.4-r5", "3.1.4-r6")
	ordered(t, APK, "2.2.33-r0", "2.2.34-r0")
	compareAll(t, APK, []cmpCase{
		{"1.0", "1.0", 0},
		{"1.0-r0", "1.0", 1},
		{"6.4_p20231014-r0", "6.4-r0", 1},
		{"1.2.3_rc1-r0", "1.2.3-r0", -1},
	})
	for _, bad := range []string{"", "abc", "1.0_foo", "1.0-x1", "1.0a.1", "1.0-r1.2"} {
		if _, err := APK.Parse(bad); err == nil {
			t.Errorf("apk: Parse(%q) accepted", bad)
		}
	}
}

// Semantic Versioning 2.0.0, section 11.
func TestSemverSpec(t *testing.T) {
	ordered(t, SemVer, "1.0.0", "2.0.0", "2.1.0", "2.1.1")
	ordered(t, SemVer, "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0")
	compareAll(t, SemVer, []cmpCase{
		{"1.0.0+20130313144700", "1.0.0", 0},
		{"1.0.0-beta+exp.sha.5114f85", "1.0.0-beta", 0},
		{"v1.2.3", "1.2.3", 0},
		{"1.2", "1.2.0", 0},
		{"10.0.0", "9.99.99", 1},
	})
	for _, bad := range []string{"", "1.2.3.4", "a.b.c", "1.0.0-", "1.0.0-a..b", "1.0.0+"} {
		if _, err := SemVer.Parse(bad); err == nil {
			t.Errorf("semver: Parse(%q) accepted", bad)
		}
	}
}

// Go module versions (semver with pseudo-versions and +incompatible) and
// toolchain versions as the Go vulnerability database writes them.
func TestGoSpec(t *testing.T) {
	ordered(t, Go, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000", "v0.0.1", "v0.1.0-rc.1", "v0.1.0")
	ordered(t, Go, "1.20.14", "1.21.0-0", "go1.21rc2", "1.21.0", "1.21.5", "1.22.0")
	compareAll(t, Go, []cmpCase{
		{"v2.0.0+incompatible", "v2.0.0", 0},
		{"1.20", "1.20.0", 0},
		{"go1.22.1", "1.22.1", 0},
		{"v1.2.4-0.20230101000000-abcdefabcdef", "v1.2.3", 1},
	})
}

// PEP 440, "Summary of permitted suffixes and relative ordering", and
// its normalisation rules.
func TestPEP440Spec(t *testing.T) {
	ordered(t, PEP440, "1.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",
		"1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1")
	compareAll(t, PEP440, []cmpCase{
		{"1.0", "1.0.0", 0}, {"1.0a", "1.0a0", 0}, {"1.0alpha0", "1.0a0", 0}, {"1.0.a.0", "1.0a0", 0},
		{"1.0c1", "1.0rc1", 0}, {"1.0pre1", "1.0rc1", 0}, {"1.0preview1", "1.0rc1", 0},
		{"1.0-1", "1.0.post1", 0}, {"1.0.rev1", "1.0.post1", 0}, {"1.0r", "1.0.post0", 0},
		{"v1.0", "1.0", 0}, {"1.0.DEV1", "1.0.dev1", 0}, {"1.0+ubuntu-1", "1.0+ubuntu.1", 0},
		{"1!1.0", "2.0", 1}, {"0!1.0", "1.0", 0}, {"01.02", "1.2", 0},
	})
	for _, bad := range []string{"", "1.0-beta-1-2-3", "a", "1.0+", "1.0+a..b", "1!"} {
		if _, err := PEP440.Parse(bad); err == nil {
			t.Errorf("pep440: Parse(%q) accepted", bad)
		}
	}
}

// Maven's "Version Order Specification" (POM reference) as Maven 3.8
// implements it.
func TestMavenSpec(t *testing.T) {
	ordered(t, Maven, "1", "1.1")
	ordered(t, Maven, "1-snapshot", "1", "1-sp")
	ordered(t, Maven, "1-foo2", "1-foo10")
	ordered(t, Maven, "1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp", "1-abc", "1-xyz")
	ordered(t, Maven, "1-1", "1.1")
	ordered(t, Maven, "2.9.10", "2.9.10.1", "2.9.10.8", "2.10.0", "2.10.0.pr1")
	compareAll(t, Maven, []cmpCase{
		{"1.ga", "1", 0}, {"1-ga", "1", 0}, {"1-0", "1", 0}, {"1.0", "1", 0}, {"1.final", "1", 0},
		{"1-sp", "1-ga", 1}, {"1-sp.1", "1-ga.1", 1}, {"1-sp-1", "1-ga-1", -1},
		{"1-a1", "1-alpha-1", 0}, {"1-cr1", "1-rc1", 0}, {"1.foo", "1-foo", 0},
		{"1.0.0.RELEASE", "1.0.0", 0}, {"5.3.20", "5.3.3", 1}, {"2.13.4.2", "2.13.4", 1},
		{"1.0.0-SNAPSHOT", "1.0.0", -1}, {"4.1.77.Final", "4.1.76.Final", 1},
	})
}

// Gem::Version's documented ordering.
func TestGemSpec(t *testing.T) {
	ordered(t, Gem, "0.9.9", "1.0.a", "1.0.a.2", "1.0.a10", "1.0.b1", "1.0.rc1", "1.0", "1.0.1", "1.1")
	compareAll(t, Gem, []cmpCase{
		{"1.0", "1", 0}, {"1.0.0", "1", 0}, {"1.0-1", "1.0.pre.1", 0}, {"1.8.2.a", "1.8.2", -1},
		{"1.0.a", "1.0.a.0", 0}, {"7.0.8.1", "7.0.8", 1},
	})
	for _, bad := range []string{"", "a", "1..2", "1.0 2"} {
		if _, err := Gem.Parse(bad); err == nil {
			t.Errorf("rubygems: Parse(%q) accepted", bad)
		}
	}
}

// NuGet's documented version precedence.
func TestNuGetSpec(t *testing.T) {
	ordered(t, NuGet, "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0.1", "1.0.1")
	compareAll(t, NuGet, []cmpCase{
		{"1.0", "1.0.0.0", 0}, {"1.0.0-Alpha", "1.0.0-alpha", 0}, {"1.0.0+build.5", "1.0.0", 0},
		{"4.3.1", "4.3.0.1", 1}, {"13.0.1", "9.0.1", 1},
	})
	for _, bad := range []string{"", "1.0.0.0.0", "a.b", "1.0-"} {
		if _, err := NuGet.Parse(bad); err == nil {
			t.Errorf("nuget: Parse(%q) accepted", bad)
		}
	}
}

func TestForEcosystem(t *testing.T) {
	for eco, want := range map[string]Scheme{
		"Debian:12": Dpkg, "Ubuntu:22.04:LTS": Dpkg, "Ubuntu:Pro:18.04:LTS": Dpkg, "Alpine:v3.20": APK,
		"Red Hat:enterprise_linux:9::baseos": RPM, "Rocky Linux:9": RPM, "AlmaLinux:8": RPM,
		"Chainguard": APK, "Wolfi": APK, "Go": Go, "PyPI": PEP440, "npm": SemVer, "crates.io": SemVer,
		"Maven": Maven, "RubyGems": Gem, "NuGet": NuGet,
	} {
		if got, ok := ForEcosystem(eco); !ok || got != want {
			t.Errorf("ForEcosystem(%q) = %v, %v", eco, got, ok)
		}
	}
	if _, ok := ForEcosystem("Nope"); ok {
		t.Error("unknown ecosystem has a scheme")
	}
}
