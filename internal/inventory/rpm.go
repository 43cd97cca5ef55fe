package inventory

import (
	"fmt"
	"strconv"
	"strings"

	_ "github.com/glebarez/go-sqlite" // pure-Go SQLite driver for rpmdb.sqlite
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
)

// RPMDatabases are the file names of the three RPM database formats:
// Berkeley DB (RHEL 7/8, CentOS, Amazon Linux 2), NDB (SUSE) and SQLite
// (RHEL 9, Fedora 33+, Amazon Linux 2023).
var RPMDatabases = []string{"Packages", "Packages.db", "rpmdb.sqlite"}

// ParseRPMDB reads an RPM database file of any of the three formats,
// found on disk at path (go-rpmdb opens files by name). gpg-pubkey
// pseudo-packages are skipped.
func ParseRPMDB(path string) (ps []Package, err error) {
	defer func() {
		// go-rpmdb indexes header blobs with offsets from the file; a
		// corrupt database must not take the scan down.
		if r := recover(); r != nil {
			ps, err = nil, fmt.Errorf("parsing the rpm database: corrupt database (%v)", r)
		}
	}()
	if err := checkRPMDB(path); err != nil {
		return nil, fmt.Errorf("reading the rpm database: %w", err)
	}
	db, err := rpmdb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening the rpm database: %w", err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("reading the rpm database: %w", err)
	}
	for _, pi := range infos {
		if pi.Name == "" || pi.Name == "gpg-pubkey" {
			continue
		}
		p := Package{Name: pi.Name, Type: RPM, Arch: pi.Arch, Version: rpmVersion(pi.EpochNum(), pi.Version, pi.Release)}
		if pi.License != "" {
			p.Licenses = []string{pi.License}
		}
		if sn, sv, sr, ok := parseSourceRPM(pi.SourceRpm); ok {
			if sn != p.Name {
				p.SourceName = sn
			}
			// The source RPM file name carries no epoch: it is the binary's.
			if sver := rpmVersion(pi.EpochNum(), sv, sr); sver != p.Version {
				p.SourceVersion = sver
			}
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func rpmVersion(epoch int, version, release string) string {
	v := version
	if release != "" {
		v += "-" + release
	}
	if epoch > 0 {
		v = strconv.Itoa(epoch) + ":" + v
	}
	return v
}

// parseSourceRPM splits "name-version-release.src.rpm".
func parseSourceRPM(s string) (name, version, release string, ok bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".rpm"), ".src")
	s = strings.TrimSuffix(s, ".nosrc")
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return "", "", "", false
	}
	release = s[i+1:]
	s = s[:i]
	j := strings.LastIndexByte(s, '-')
	if j <= 0 {
		return "", "", "", false
	}
	return s[:j], s[j+1:], release, true
}
