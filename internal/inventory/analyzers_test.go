package inventory

import (
	"io/fs"
	"testing"

	"github.com/palisade-sec/palisade/internal/image"
)

func TestAnalyzersRequired(t *testing.T) {
	byName := map[string]image.Analyzer{}
	for _, a := range Analyzers() {
		byName[a.Name()] = a
	}
	file := func(mode uint32, size int64) *image.Entry {
		return &image.Entry{Type: image.TypeFile, Mode: 0o644 | fsPerm(mode), Size: size}
	}
	for _, tc := range []struct {
		analyzer, path string
		e              *image.Entry
		want           bool
	}{
		{AnalyzerOS, "etc/os-release", file(0, 100), true},
		{AnalyzerOS, "etc/os-release.bak", file(0, 100), false},
		{AnalyzerDpkg, "var/lib/dpkg/status", file(0, 100), true},
		{AnalyzerDpkg, "var/lib/dpkg/status.d/libc6", file(0, 100), true},
		{AnalyzerDpkg, "var/lib/dpkg/status.d/libc6.md5sums", file(0, 100), false},
		{AnalyzerDpkg, "var/lib/dpkg/status-old", file(0, 100), false},
		{AnalyzerDpkgLic, "usr/share/doc/bash/copyright", file(0, 100), true},
		{AnalyzerDpkgLic, "usr/share/doc/bash/examples/copyright", file(0, 100), false},
		{AnalyzerAPK, "lib/apk/db/installed", file(0, 100), true},
		{AnalyzerRPM, "var/lib/rpm/rpmdb.sqlite", file(0, 100), true},
		{AnalyzerRPM, "usr/lib/sysimage/rpm/Packages.db", file(0, 100), true},
		{AnalyzerRPM, "var/lib/rpm/__db.001", file(0, 100), false},
		{AnalyzerBinary, "usr/local/bin/app", file(0o111, 1<<20), true},
		{AnalyzerBinary, "usr/local/bin/app", file(0, 1<<20), false},
		{AnalyzerBinary, "usr/local/bin/tiny", file(0o111, 10), false},
		{AnalyzerPython, "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", file(0, 100), true},
		{AnalyzerPython, "usr/lib/python3/site-packages/x.egg-info", file(0, 100), true},
		{AnalyzerPython, "usr/lib/python3/site-packages/x.egg-info/PKG-INFO", file(0, 100), true},
		{AnalyzerNPM, "app/node_modules/lodash/package.json", file(0, 100), true},
		{AnalyzerNPM, "app/package.json", file(0, 100), false},
		{AnalyzerNPMLock, "app/package-lock.json", file(0, 100), true},
		{AnalyzerNPMLock, "app/node_modules/x/package-lock.json", file(0, 100), false},
		{AnalyzerRPM, "var/lib/rpm/rpmdb.sqlite-wal", file(0, 100), true},
		{AnalyzerRPM, "var/lib/rpm/rpmdb.sqlite-shm", file(0, 100), false},
		{AnalyzerYarnLock, "app/yarn.lock", file(0, 100), true},
		{AnalyzerYarnLock, "app/node_modules/x/yarn.lock", file(0, 100), false},
		{AnalyzerPNPMLock, "app/pnpm-lock.yaml", file(0, 100), true},
		{AnalyzerPNPMLock, "app/node_modules/.pnpm/lock.yaml", file(0, 100), true},
		{AnalyzerPNPMLock, "app/node_modules/x/node_modules/.pnpm/lock.yaml", file(0, 100), false},
		{AnalyzerPNPMLock, "app/node_modules/x/pnpm-lock.yaml", file(0, 100), false},
		{AnalyzerJava, "app/app.jar", file(0, 100), true},
		{AnalyzerJava, "app/app.JAR", file(0, 100), true},
		{AnalyzerJava, "app/app.zip", file(0, 100), false},
		{AnalyzerGem, "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", file(0, 100), true},
		{AnalyzerGem, "app/rake.gemspec", file(0, 100), false},
	} {
		e := *tc.e
		e.Path = tc.path
		if got := byName[tc.analyzer].Required(tc.path, e.Info()); got != tc.want {
			t.Errorf("%s.Required(%s) = %v", tc.analyzer, tc.path, got)
		}
	}
}

func fsPerm(m uint32) fs.FileMode { return fs.FileMode(m) }
