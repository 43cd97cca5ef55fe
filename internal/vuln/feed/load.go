package feed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

// DefaultBaseURL is osv.dev's public export: <base>/<ecosystem>/all.zip.
const DefaultBaseURL = "https://osv-vulnerabilities.storage.googleapis.com"

// Ecosystems are the ecosystems `db update` fetches when no list is
// given and no inventory narrows it down.
var Ecosystems = []string{
	"AlmaLinux", "Alpine", "Chainguard", "Debian", "Red Hat", "Rocky Linux", "Ubuntu", "Wolfi",
	"Go", "PyPI", "npm", "Maven", "crates.io", "RubyGems", "NuGet",
}

// Result reports a load.
type Result struct {
	store.Summary
	// Fetched are the ecosystems downloaded; Current those whose data
	// had not changed since the last update.
	Fetched, Current []string
	Errors           Errors
}

// Import loads records from paths (zips, directories, JSON files) into
// the store in dir, keeping for each record the version with the newest
// `modified`. Records that do not parse are counted in the result.
func Import(ctx context.Context, dir string, paths []string, now time.Time, progress func(n int)) (*Result, error) {
	res := &Result{}
	u, err := store.Begin(dir, nil, now)
	if err != nil {
		return nil, err
	}
	defer u.Abort()
	n := 0
	for _, p := range paths {
		err := Walk(p, &res.Errors, func(v *osv.Vulnerability) error {
			n++
			if n%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(n)
				}
			}
			return u.Add(v)
		})
		if err != nil {
			return res, err
		}
	}
	sum, err := u.Commit()
	res.Summary = sum
	return res, err
}

// Client fetches an OSV mirror.
type Client struct {
	// BaseURL holds <ecosystem>/all.zip and, optionally,
	// <ecosystem>/modified_id.csv.
	BaseURL string
	HTTP    *http.Client
	// Progress, when set, is told of download progress.
	Progress func(ecosystem string, done, total int64)
	// MaxSize bounds one archive (default 8 GiB).
	MaxSize int64
}

func (c *Client) url(ecosystem, file string) string {
	return strings.TrimRight(c.BaseURL, "/") + "/" + url.PathEscape(ecosystem) + "/" + file
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 30 * time.Minute}
}

// unchanged asks <ecosystem>/modified_id.csv whether anything changed
// since the stored state: same number of records, none modified later.
// Mirrors without the file give false.
func (c *Client) unchanged(ctx context.Context, ecosystem string, prev store.EcosystemInfo) bool {
	if prev.Records == 0 {
		return false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(ecosystem, "modified_id.csv"), nil)
	if err != nil {
		return false
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	n := 0
	sc := bufio.NewScanner(io.LimitReader(resp.Body, 1<<30))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		ts, _, ok := strings.Cut(line, ",")
		t, err := time.Parse(time.RFC3339Nano, ts)
		if !ok || err != nil {
			return false
		}
		if t.After(prev.Newest) {
			return false
		}
		n++
	}
	return sc.Err() == nil && n == prev.Records
}

// download fetches <ecosystem>/all.zip into dst unless the stored
// validators say it has not changed (HTTP 304).
func (c *Client) download(ctx context.Context, ecosystem string, prev store.EcosystemInfo, dst string) (changed bool, etag, lastMod string, err error) {
	u := c.url(ecosystem, "all.zip")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, "", "", err
	}
	if prev.Records > 0 && prev.Source == u {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return false, "", "", fmt.Errorf("downloading %s: %w", ecosystem, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return false, prev.ETag, prev.LastModified, nil
	case http.StatusOK:
	case http.StatusNotFound:
		return false, "", "", fmt.Errorf("downloading %s: %s has no such ecosystem (HTTP 404): check the name (osv.dev spells them Debian, PyPI, npm, Red Hat, ...)", ecosystem, c.BaseURL)
	default:
		return false, "", "", fmt.Errorf("downloading %s: HTTP %s from %s", ecosystem, resp.Status, u)
	}
	max := c.MaxSize
	if max <= 0 {
		max = 8 << 30
	}
	f, err := os.Create(dst)
	if err != nil {
		return false, "", "", err
	}
	var w io.Writer = f
	if c.Progress != nil {
		w = &progressWriter{w: f, eco: ecosystem, total: resp.ContentLength, fn: c.Progress}
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, "", "", fmt.Errorf("downloading %s: %w", ecosystem, err)
	}
	if n > max {
		return false, "", "", fmt.Errorf("downloading %s: the archive is larger than %d bytes", ecosystem, max)
	}
	return true, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), nil
}

type progressWriter struct {
	w           io.Writer
	eco         string
	done, total int64
	fn          func(string, int64, int64)
	last        time.Time
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	if now := time.Now(); now.Sub(p.last) > 100*time.Millisecond || p.done == p.total {
		p.last = now
		p.fn(p.eco, p.done, p.total)
	}
	return n, err
}

// Update brings the given ecosystems of the store in dir up to date
// from c. Ecosystems whose data has not changed are left alone; the
// others are downloaded first and then rewritten from their archive in
// one new database, swapped in at the end.
func Update(ctx context.Context, dir string, ecosystems []string, c *Client, now time.Time) (*Result, error) {
	res := &Result{}
	var prev store.Info
	if s, err := store.Open(dir); err == nil {
		prev = s.Info()
		s.Close()
	} else if !errors.Is(err, store.ErrNoDatabase) {
		// An unreadable database is rebuilt from scratch.
		prev = store.Info{}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the database directory: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "download-")
	if err != nil {
		return nil, fmt.Errorf("creating a download directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	type got struct{ eco, file, etag, lastMod string }
	var fetched []got
	ecosystems = slices.Compact(slices.Sorted(slices.Values(ecosystems)))
	for _, eco := range ecosystems {
		old, _ := prev.Ecosystem(eco)
		if c.unchanged(ctx, eco, old) {
			res.Current = append(res.Current, eco)
			continue
		}
		file := filepath.Join(tmp, strings.ReplaceAll(eco, " ", "_")+".zip")
		changed, etag, lm, err := c.download(ctx, eco, old, file)
		if err != nil {
			return res, err
		}
		if !changed {
			res.Current = append(res.Current, eco)
			continue
		}
		fetched = append(fetched, got{eco, file, etag, lm})
		res.Fetched = append(res.Fetched, eco)
	}
	if len(fetched) == 0 {
		return res, nil
	}
	var replace []string
	for _, g := range fetched {
		replace = append(replace, g.eco)
	}
	u, err := store.Begin(dir, replace, now)
	if err != nil {
		return res, err
	}
	defer u.Abort()
	for _, g := range fetched {
		if err := WalkZip(g.file, &res.Errors, func(v *osv.Vulnerability) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return u.Add(v)
		}); err != nil {
			return res, err
		}
		u.SetSource(g.eco, c.url(g.eco, "all.zip"), g.etag, g.lastMod)
	}
	sum, err := u.Commit()
	res.Summary = sum
	return res, err
}
