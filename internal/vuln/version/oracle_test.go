package version

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tests in this file compare every scheme that has a reference
// implementation on the machine with that implementation, on random
// versions built from each format's building blocks. .ci/setup-vuln.sh
// installs the tools.

type pair struct{ a, b string }

func randomPairs(r *rand.Rand, n int, gen func(*rand.Rand) string) []pair {
	var vs []string
	for range n {
		vs = append(vs, gen(r))
	}
	var ps []pair
	for i := range vs {
		// Each version against a random other and against a near
		// neighbour, so that equal and close versions are common.
		ps = append(ps, pair{vs[i], vs[r.IntN(len(vs))]}, pair{vs[i], vs[(i+1)%len(vs)]})
	}
	return ps
}

func pick(r *rand.Rand, xs ...string) string { return xs[r.IntN(len(xs))] }

func genFrom(r *rand.Rand, first []string, rest []string, maxParts int) string {
	var b strings.Builder
	b.WriteString(first[r.IntN(len(first))])
	for range r.IntN(maxParts) {
		b.WriteString(rest[r.IntN(len(rest))])
	}
	return b.String()
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run .ci/setup-vuln.sh", name)
	}
	return p
}

func checkAgainst(t *testing.T, s Scheme, ps []pair, want []int) {
	t.Helper()
	if len(want) != len(ps) {
		t.Fatalf("%s: the reference gave %d results for %d pairs", s.Name(), len(want), len(ps))
	}
	bad := 0
	for i, p := range ps {
		got, err := Compare(s, p.a, p.b)
		if err != nil {
			t.Errorf("%s: Compare(%q, %q): %v", s.Name(), p.a, p.b, err)
			continue
		}
		if got != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("%s: Compare(%q, %q) = %d, the reference says %d", s.Name(), p.a, p.b, got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d comparisons differ from the reference", s.Name(), bad, len(ps))
	}
}

func parseInts(t *testing.T, out []byte) []int {
	t.Helper()
	var res []int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		n, err := strconv.Atoi(line)
		if err != nil {
			t.Fatalf("reference output %q is not a number", line)
		}
		res = append(res, sign(n))
	}
	return res
}

func genDpkg(r *rand.Rand) string {
	up := genFrom(r, []string{"0", "1", "2", "10", "01", "1.0", "2.36"}, []string{"0", "1", "9", "10", "00", ".", "~", "+", "a", "b", "z", "~rc", "~~", "+dfsg", ".1"}, 5)
	v := up
	if r.IntN(3) > 0 {
		v += "-" + genFrom(r, []string{"0", "1", "2", "10", "1ubuntu", "1+deb12u", "1~deb12u"}, []string{"0", "1", "2", "10", ".", "~", "+", "a", "b", "u1", "build"}, 3)
	}
	if r.IntN(4) == 0 {
		v = pick(r, "0", "1", "2", "10") + ":" + v
	}
	return v
}

func TestDpkgAgainstDpkg(t *testing.T) {
	requireTool(t, "dpkg")
	r := rand.New(rand.NewPCG(1, 2))
	ps := randomPairs(r, 250, genDpkg)
	var script strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&script, "if dpkg --compare-versions '%s' lt '%s'; then echo -1; elif dpkg --compare-versions '%s' eq '%s'; then echo 0; else echo 1; fi\n", p.a, p.b, p.a, p.b)
	}
	out, err := exec.Command("bash", "-c", script.String()).Output()
	if err != nil {
		t.Fatalf("dpkg: %v", err)
	}
	checkAgainst(t, Dpkg, ps, parseInts(t, out))
}

func genRPMPart(r *rand.Rand) string {
	return genFrom(r, []string{"0", "1", "2", "10", "01", "a", "1.0", "2.13"}, []string{"0", "1", "9", "10", "00", ".", "_", "+", "~", "^", "a", "b", "rc", "git", "p", ".el9", "_1"}, 5)
}

func TestRPMAgainstRPM(t *testing.T) {
	requireTool(t, "rpm")
	r := rand.New(rand.NewPCG(3, 4))
	gen := func(r *rand.Rand) string {
		v := genRPMPart(r)
		if r.IntN(4) > 0 {
			v += "-" + genRPMPart(r)
		}
		if r.IntN(4) == 0 {
			v = pick(r, "0", "1", "2", "10") + ":" + v
		}
		return v
	}
	ps := randomPairs(r, 300, gen)
	dir := t.TempDir()
	var in strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&in, "%s %s\n", p.a, p.b)
	}
	file := filepath.Join(dir, "pairs")
	if err := os.WriteFile(file, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	lua := fmt.Sprintf(`%%{lua: for line in io.lines(%q) do local a, b = line:match("^(%%S+) (%%S+)$"); print(rpm.vercmp(a, b) .. ",") end}`, file)
	out, err := exec.Command("rpm", "--eval", lua).Output()
	if err != nil {
		t.Fatalf("rpm: %v", err)
	}
	checkAgainst(t, RPM, ps, parseInts(t, bytes.ReplaceAll(out, []byte(","), []byte("\n"))))
}

func genPEP440(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(8) == 0 {
		b.WriteString(pick(r, "1!", "0!", "2!"))
	}
	b.WriteString(pick(r, "0", "1", "2", "10", "01"))
	for range r.IntN(3) {
		b.WriteString("." + pick(r, "0", "1", "2", "10", "00"))
	}
	if r.IntN(3) == 0 {
		b.WriteString(pick(r, "", ".", "-", "_") + pick(r, "a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "A", "RC") + pick(r, "", "0", "1", "2", "10"))
	}
	if r.IntN(4) == 0 {
		if r.IntN(3) == 0 {
			b.WriteString("-" + pick(r, "1", "2"))
		} else {
			b.WriteString(pick(r, "", ".", "-", "_") + pick(r, "post", "rev", "r") + pick(r, "", "0", "1", "2"))
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString(pick(r, "", ".", "-", "_") + "dev" + pick(r, "", "0", "1", "2"))
	}
	if r.IntN(5) == 0 {
		b.WriteString("+" + pick(r, "abc", "1", "ubuntu", "5") + pick(r, "", ".1", ".abc", "-2", "_x"))
	}
	return b.String()
}

func TestPEP440AgainstPackaging(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import packaging.version").Run(); err != nil {
		t.Fatalf("python3-packaging is not installed: run .ci/setup-vuln.sh (%v)", err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	ps := randomPairs(r, 400, genPEP440)
	in, _ := json.Marshal(ps2list(ps))
	cmd := exec.Command(py, "-c", `
import json, sys
from packaging.version import Version
for a, b in json.load(sys.stdin):
    x, y = Version(a), Version(b)
    print(-1 if x < y else (0 if x == y else 1))
`)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	checkAgainst(t, PEP440, ps, parseInts(t, out))
}

func ps2list(ps []pair) [][2]string {
	out := make([][2]string, len(ps))
	for i, p := range ps {
		out[i] = [2]string{p.a, p.b}
	}
	return out
}

func genGem(r *rand.Rand) string {
	v := genFrom(r, []string{"0", "1", "2", "10", "01"}, []string{".0", ".1", ".2", ".10", ".a", ".b", ".rc", ".pre", ".beta2", ".1a", ".0b1"}, 4)
	if r.IntN(6) == 0 {
		v += "-" + pick(r, "1", "pre", "rc.1", "alpha-2")
	}
	return v
}

func TestGemAgainstRuby(t *testing.T) {
	requireTool(t, "ruby")
	r := rand.New(rand.NewPCG(7, 8))
	ps := randomPairs(r, 300, genGem)
	in, _ := json.Marshal(ps2list(ps))
	cmd := exec.Command("ruby", "-rjson", "-e", `JSON.parse(STDIN.read).each { |a, b| puts(Gem::Version.new(a) <=> Gem::Version.new(b)) }`)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby: %v", err)
	}
	checkAgainst(t, Gem, ps, parseInts(t, out))
}

var mavenLine = regexp.MustCompile(`^\s+(\S+) (<|>|==) (\S+)$`)

func TestMavenAgainstMaven(t *testing.T) {
	java := requireTool(t, "java")
	jar := "/usr/share/java/maven-artifact-3.x.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("%s is missing: run .ci/setup-vuln.sh", jar)
	}
	r := rand.New(rand.NewPCG(9, 10))
	gen := func(r *rand.Rand) string {
		return genFrom(r, []string{"0", "1", "2", "10", "01", "1.0", "a", "alpha"},
			[]string{"0", "1", "2", "10", "00", ".", "-", ".0", "-0", "alpha", "a", "b", "m", "beta", "milestone", "rc", "cr", "snapshot", "SNAPSHOT", "sp", "ga", "final", "Final", "release", "RELEASE", "foo", "x", "pr"}, 6)
	}
	ps := randomPairs(r, 300, gen)
	// The cycle Maven itself has (TestMavenNotTransitive).
	ps = append(ps, pair{"1", "1.A."}, pair{"1.A.", "1A0"}, pair{"1A0", "1"})
	// ComparableVersion's main compares each argument with the next.
	var args []string
	for _, p := range ps {
		args = append(args, p.a, p.b)
	}
	cmd := exec.Command(java, append([]string{"-cp", jar, "org.apache.maven.artifact.versioning.ComparableVersion"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java: %v", err)
	}
	var res []int
	for _, line := range strings.Split(string(out), "\n") {
		if m := mavenLine.FindStringSubmatch(line); m != nil {
			res = append(res, map[string]int{"<": -1, "==": 0, ">": 1}[m[2]])
		}
	}
	// Keep the results of a vs b, not b vs the next pair's a.
	var want []int
	for i := 0; i < len(res); i += 2 {
		want = append(want, res[i])
	}
	checkAgainst(t, Maven, ps, want)
}
