package inventory

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/glebarez/go-sqlite" // pure-Go SQLite driver for rpmdb.sqlite
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"

	"github.com/palisade-sec/palisade/internal/image"
)

// RPMDatabases are the file names of the three RPM database formats:
// Berkeley DB (RHEL 7/8, CentOS, Amazon Linux 2), NDB (SUSE) and SQLite
// (RHEL 9, Fedora 33+, Amazon Linux 2023).
var RPMDatabases = []string{"Packages", "Packages.db", "rpmdb.sqlite"}

const (
	rpmSQLite = "rpmdb.sqlite"
	// maxRPMWAL bounds the SQLite write-ahead log read with an RPM
	// database; rpm's own logs stay far below it.
	maxRPMWAL = 256 << 20
)

// rpmDBDir reports whether dir ("var/lib/rpm/") holds RPM databases.
func rpmDBDir(dir string) bool {
	return dir == "var/lib/rpm/" || dir == "usr/lib/sysimage/rpm/" || dir == "usr/share/rpm/"
}

// parseRPMFile reads the RPM database of one layer. rpmdb.sqlite comes
// with its write-ahead log when the layer has one that is not empty: rpm
// keeps the log file (0 bytes after a clean exit, when rpm checkpoints it
// into the database) and a process that died with the database open
// leaves committed transactions, packages included, only in the log.
func parseRPMFile(f *image.File) ([]Package, error) {
	if f.Size == 0 {
		return nil, nil
	}
	switch path.Base(f.Path) {
	case rpmSQLite + "-wal":
		// Its database is not in this layer: the layer changed only the
		// log (a snapshotter that copies changed files only, such as
		// kaniko). Its transactions cannot be read without the database.
		return nil, fmt.Errorf("the layer changes the RPM database's write-ahead log (%d bytes) but not %s: the packages of the transactions in the log are not listed; the database as an earlier layer left it is", f.Size, rpmSQLite)
	case rpmSQLite:
		var wal *image.File
		for _, c := range f.Companions {
			if path.Base(c.Path) == rpmSQLite+"-wal" && c.Size > 0 {
				wal = c
			}
		}
		if wal == nil {
			break
		}
		if wal.Entry != nil && wal.Entry.Size > maxRPMWAL || wal.Truncated {
			local, err := f.LocalPath()
			if err != nil {
				return nil, err
			}
			ps, err := ParseRPMDB(local)
			return ps, errors.Join(err, fmt.Errorf("the write-ahead log next to the RPM database is larger than %d bytes: the database was read without it, and packages of transactions still in the log are missing", maxRPMWAL))
		}
		// SQLite finds the log by name next to the database, and
		// replays it: give it copies of both in a directory of their own.
		dir, err := f.LocalDir()
		if err != nil {
			return nil, err
		}
		return ParseRPMDB(filepath.Join(dir, rpmSQLite))
	}
	local, err := f.LocalPath()
	if err != nil {
		return nil, err
	}
	return ParseRPMDB(local)
}

// ParseRPMDB reads an RPM database file of any of the three formats,
// found on disk at path (go-rpmdb opens files by name). gpg-pubkey
// pseudo-packages are skipped.
//
// An SQLite database is read together with its write-ahead log when
// path+"-wal" lies next to it, and SQLite may then write to both (it
// replays the log and checkpoints it on close): give it copies, as the
// image analyzer does.
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
