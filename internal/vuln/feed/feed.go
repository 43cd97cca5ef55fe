// Package feed loads OSV records into the store: from zips, directories
// and JSON files on disk (`palisade db import`, air-gapped use), or from
// an OSV mirror over HTTP, one all.zip per ecosystem (`palisade db
// update`).
package feed

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// maxErrors bounds the record errors kept; the rest are counted.
const maxErrors = 20

// Errors collects records that could not be read: a bad record never
// stops an import.
type Errors struct {
	Count int
	First []error
}

func (e *Errors) add(err error) {
	e.Count++
	if len(e.First) < maxErrors {
		e.First = append(e.First, err)
	}
}

// Err returns nil when nothing failed.
func (e *Errors) Err() error {
	if e.Count == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d record(s) could not be read", e.Count)
	var parts []string
	for _, x := range e.First {
		parts = append(parts, x.Error())
	}
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	if e.Count > len(e.First) {
		msg += "; ..."
	}
	return errors.New(msg)
}

// Walk reads every OSV record under path: a zip of JSON files (such as
// an ecosystem's all.zip), a directory searched recursively for *.json
// and *.zip, or one JSON file. fn is called for each record; a record
// that does not parse is added to errs, an error from fn stops the walk.
func Walk(path string, errs *Errors, fn func(*osv.Vulnerability) error) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("reading OSV records: %w", err)
	}
	if !fi.IsDir() {
		return walkFile(path, errs, fn)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs.add(fmt.Errorf("%s: %w", p, err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && d.Type().IsRegular() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".zip")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		if err := walkFile(f, errs, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkFile(path string, errs *Errors, fn func(*osv.Vulnerability) error) error {
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		return WalkZip(path, errs, fn)
	}
	b, err := readCapped(path)
	if err != nil {
		errs.add(err)
		return nil
	}
	v, err := osv.Parse(b)
	if err != nil {
		errs.add(fmt.Errorf("%s: %w", path, err))
		return nil
	}
	return fn(v)
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, osv.MaxRecordSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > osv.MaxRecordSize {
		return nil, fmt.Errorf("%s: larger than %d MiB: not an OSV record", path, osv.MaxRecordSize>>20)
	}
	return b, nil
}

// WalkZip reads the JSON records of a zip archive, one at a time, so
// that memory stays bounded by the largest record.
func WalkZip(path string, errs *Errors, fn func(*osv.Vulnerability) error) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w (is it an OSV all.zip?)", path, err)
	}
	defer zr.Close()
	buf := make([]byte, 0, 64<<10)
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		if f.UncompressedSize64 > osv.MaxRecordSize {
			errs.add(fmt.Errorf("%s!%s: %d bytes: larger than a record can be", path, f.Name, f.UncompressedSize64))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			errs.add(fmt.Errorf("%s!%s: %w", path, f.Name, err))
			continue
		}
		buf = buf[:0]
		w := bytesWriter{&buf}
		_, err = io.Copy(w, io.LimitReader(rc, osv.MaxRecordSize+1))
		rc.Close()
		if err != nil {
			errs.add(fmt.Errorf("%s!%s: %w", path, f.Name, err))
			continue
		}
		if len(buf) > osv.MaxRecordSize {
			errs.add(fmt.Errorf("%s!%s: larger than a record can be", path, f.Name))
			continue
		}
		v, err := osv.Parse(buf)
		if err != nil {
			errs.add(fmt.Errorf("%s!%s: %w", path, f.Name, err))
			continue
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

type bytesWriter struct{ b *[]byte }

func (w bytesWriter) Write(p []byte) (int, error) {
	*w.b = append(*w.b, p...)
	return len(p), nil
}
