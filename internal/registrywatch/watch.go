// Package registrywatch passively rescans the images of a registry: it
// lists repositories (catalog API) and tags, records each image's
// inventory once per digest in a local state store, and matches every
// stored inventory against the local vulnerability database whenever
// the database changes, without pulling images again. Findings that
// were not reported before are written as JSON lines and optionally
// POSTed to a webhook.
package registrywatch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

// Options configure a watcher.
type Options struct {
	// Target is REGISTRY or REGISTRY/REPOSITORY.
	Target   string
	Insecure bool
	StateDir string
	DBDir    string
	// Webhook, when set, receives each pass's new findings.
	Webhook string
	// Out receives one JSON line per new finding; Warn human warnings.
	Out, Warn io.Writer
	Keychain  authn.Keychain
	// Transport is the registry transport (default: the standard one).
	Transport http.RoundTripper
	// HTTP posts to the webhook (default: a client with a 30 s timeout).
	HTTP *http.Client
	// Update, when set, refreshes the database for the needed
	// ecosystems before a pass.
	Update   func(ctx context.Context, ecosystems []string) error
	Platform *v1.Platform
	Now      func() time.Time
}

// Event is one new finding.
type Event struct {
	Time          time.Time `json:"time"`
	Image         string    `json:"image"`
	Repository    string    `json:"repository"`
	Tags          []string  `json:"tags"`
	Digest        string    `json:"digest"`
	Vulnerability string    `json:"vulnerability"`
	IDs           []string  `json:"ids"`
	RuleID        string    `json:"ruleId"`
	Severity      string    `json:"severity"`
	Package       string    `json:"package"`
	Type          string    `json:"type"`
	Version       string    `json:"version"`
	Fixed         []string  `json:"fixed,omitempty"`
	Ecosystem     string    `json:"ecosystem"`
	Layer         int       `json:"layer"`
	Message       string    `json:"message"`
}

// PassResult counts what a pass did.
type PassResult struct {
	Repositories, Images int
	// Pulled are images whose layers were read (new digests); Rescanned
	// are stored inventories matched against the database.
	Pulled, Rescanned int
	Events            []Event
	Errors            []string
}

// Watcher watches one registry or repository.
type Watcher struct {
	opts  Options
	reg   name.Registry
	repo  *name.Repository
	state *state
}

// New opens the watcher's state.
func New(opts Options) (*Watcher, error) {
	var nopts []name.Option
	if opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	w := &Watcher{opts: opts}
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(opts.Target, "https://"), "http://"), "/")
	if strings.Contains(t, "/") {
		r, err := name.NewRepository(t, nopts...)
		if err != nil {
			return nil, fmt.Errorf("parsing %q: %w (give REGISTRY or REGISTRY/REPOSITORY)", opts.Target, err)
		}
		w.repo, w.reg = &r, r.Registry
	} else {
		r, err := name.NewRegistry(t, nopts...)
		if err != nil {
			return nil, fmt.Errorf("parsing %q: %w (give REGISTRY or REGISTRY/REPOSITORY)", opts.Target, err)
		}
		w.reg = r
	}
	if w.opts.Out == nil {
		w.opts.Out = io.Discard
	}
	if w.opts.Warn == nil {
		w.opts.Warn = io.Discard
	}
	if w.opts.Now == nil {
		w.opts.Now = time.Now
	}
	if w.opts.Keychain == nil {
		w.opts.Keychain = authn.DefaultKeychain
	}
	if w.opts.Platform == nil {
		w.opts.Platform = &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	}
	st, err := openState(opts.StateDir)
	if err != nil {
		return nil, err
	}
	w.state = st
	return w, nil
}

// Close releases the state store.
func (w *Watcher) Close() error { return w.state.close() }

func (w *Watcher) remoteOpts(ctx context.Context) []remote.Option {
	o := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(w.opts.Keychain), remote.WithPlatform(*w.opts.Platform)}
	if w.opts.Transport != nil {
		o = append(o, remote.WithTransport(w.opts.Transport))
	}
	return o
}

// Run does a pass every interval until ctx ends. A failed pass is
// reported and the next one tried.
func (w *Watcher) Run(ctx context.Context, interval time.Duration) error {
	for {
		if _, err := w.Pass(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(w.opts.Warn, "palisade: registry watch: %v\n", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

type imageRef struct {
	repo   string
	tags   []string
	digest string
}

// list returns the images the registry's tags point at, one per digest.
func (w *Watcher) list(ctx context.Context, res *PassResult) ([]*imageRef, error) {
	var repos []name.Repository
	if w.repo != nil {
		repos = []name.Repository{*w.repo}
	} else {
		names, err := remote.Catalog(ctx, w.reg, w.remoteOpts(ctx)...)
		if err != nil {
			return nil, fmt.Errorf("listing the repositories of %s (catalog API): %w", w.reg, err)
		}
		slices.Sort(names)
		for _, n := range names {
			repos = append(repos, w.reg.Repo(n))
		}
	}
	res.Repositories = len(repos)
	byDigest := map[string]*imageRef{}
	var out []*imageRef
	tagDigests := map[string]string{}
	for _, repo := range repos {
		tags, err := remote.List(repo, w.remoteOpts(ctx)...)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: listing tags: %v", repo, err))
			continue
		}
		slices.Sort(tags)
		for _, tag := range tags {
			d, err := w.resolve(ctx, repo.Tag(tag))
			if err != nil {
				res.Errors = append(res.Errors, fmt.Sprintf("%s:%s: %v", repo, tag, err))
				continue
			}
			key := repo.String() + "@" + d
			tagDigests[repo.String()+":"+tag] = d
			if r := byDigest[key]; r != nil {
				r.tags = append(r.tags, tag)
				continue
			}
			r := &imageRef{repo: repo.String(), tags: []string{tag}, digest: d}
			byDigest[key] = r
			out = append(out, r)
		}
	}
	if err := w.state.putTags(tagDigests); err != nil {
		return nil, err
	}
	return out, nil
}

// resolve returns the digest of the image a tag names, for this
// watcher's platform when the tag is an index.
func (w *Watcher) resolve(ctx context.Context, ref name.Reference) (string, error) {
	desc, err := remote.Get(ref, w.remoteOpts(ctx)...)
	if err != nil {
		return "", err
	}
	if desc.MediaType.IsIndex() {
		img, err := desc.Image()
		if err != nil {
			return "", fmt.Errorf("no image for %s in the index: %w", w.opts.Platform, err)
		}
		d, err := img.Digest()
		if err != nil {
			return "", err
		}
		return d.String(), nil
	}
	return desc.Digest.String(), nil
}

// inventoryOf reads an image's layers once and keeps its inventory.
func (w *Watcher) inventoryOf(ctx context.Context, r *imageRef) (*inventory.Inventory, bool, error) {
	inv, err := w.state.inventory(r.digest)
	if err != nil || inv != nil {
		return inv, false, err
	}
	repo, err := name.NewRepository(r.repo, w.nameOpts()...)
	if err != nil {
		return nil, false, err
	}
	img, err := remote.Image(repo.Digest(r.digest), w.remoteOpts(ctx)...)
	if err != nil {
		return nil, false, fmt.Errorf("pulling: %w", err)
	}
	c, err := image.Walk(ctx, img, image.WithAnalyzers(inventory.Analyzers()...))
	if err != nil {
		return nil, false, fmt.Errorf("reading layers: %w", err)
	}
	inv = inventory.FromContents(c)
	if err := w.state.putInventory(r.digest, inv); err != nil {
		return nil, false, err
	}
	return inv, true, nil
}

func (w *Watcher) nameOpts() []name.Option {
	if w.opts.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}

// Pass lists the registry, records the inventories of new digests and,
// when the database changed or there are new digests, rescans the
// stored inventories and reports findings not reported before.
func (w *Watcher) Pass(ctx context.Context) (*PassResult, error) {
	res := &PassResult{}
	refs, err := w.list(ctx, res)
	if err != nil {
		return res, err
	}
	res.Images = len(refs)
	invs := make([]*inventory.Inventory, len(refs))
	newDigest := false
	for i, r := range refs {
		inv, pulled, err := w.inventoryOf(ctx, r)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s@%s: %v", r.repo, r.digest, err))
			continue
		}
		invs[i] = inv
		if pulled {
			res.Pulled++
			newDigest = true
		}
	}
	if w.opts.Update != nil {
		need := map[string]bool{}
		for _, inv := range invs {
			if inv != nil {
				for _, e := range vuln.NeededEcosystems(inv) {
					need[e] = true
				}
			}
		}
		var ecos []string
		for e := range need {
			ecos = append(ecos, e)
		}
		slices.Sort(ecos)
		if len(ecos) > 0 {
			if err := w.opts.Update(ctx, ecos); err != nil {
				res.Errors = append(res.Errors, "updating the vulnerability database: "+err.Error())
			}
		}
	}
	for _, e := range res.Errors {
		fmt.Fprintf(w.opts.Warn, "palisade: registry watch: %s\n", e)
	}
	s, warning, err := vuln.OpenDB(w.opts.DBDir, 0, w.opts.Now())
	if err != nil {
		if errors.Is(err, store.ErrNoDatabase) {
			fmt.Fprintf(w.opts.Warn, "palisade: registry watch: inventories recorded, vulnerabilities not checked: %v\n", err)
			return res, nil
		}
		return res, err
	}
	defer s.Close()
	if warning != "" {
		fmt.Fprintf(w.opts.Warn, "palisade: warning: %s\n", warning)
	}
	stamp := s.Info().Built.UTC().Format(time.RFC3339Nano)
	metaKey := "db:" + w.opts.Target
	if !newDigest && w.state.meta(metaKey) == stamp {
		return res, nil // nothing changed: no rescan
	}
	now := w.opts.Now()
	reported := map[string][]string{}
	// Match the stored inventories in parallel: read transactions of the
	// store run concurrently.
	outs := make([]*vuln.Outcome, len(refs))
	errs := make([]error, len(refs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := refs[i]
				outs[i], errs[i] = vuln.Scan(s, invs[i], vuln.Options{Target: r.repo + "@" + r.digest, Now: now})
			}
		}()
	}
	for i := range refs {
		if invs[i] != nil {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	for i, r := range refs {
		if invs[i] == nil {
			continue
		}
		res.Rescanned++
		img := r.repo + "@" + r.digest
		out, err := outs[i], errs[i]
		if err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("%s: %v", img, err))
			continue
		}
		seen, err := w.state.reported(r.digest)
		if err != nil {
			return res, err
		}
		keys := reported[r.digest]
		for _, f := range out.Vulnerabilities {
			p := f.Package
			key := strings.Join([]string{f.IDs[0], string(p.Type), p.Name, p.Version, p.File}, "|")
			keys = append(keys, key)
			if seen[key] {
				continue
			}
			ev := Event{
				Time: now.UTC(), Image: img, Repository: r.repo, Tags: r.tags, Digest: r.digest,
				Vulnerability: f.IDs[0], IDs: f.IDs, Severity: f.Rating.Severity.String(),
				Package: p.Name, Type: string(p.Type), Version: p.Version, Fixed: f.Fixed,
				Ecosystem: f.Ecosystem, Layer: p.Layer,
			}
			rule := vuln.VulnerableLanguagePackage
			switch {
			case f.Unfixed():
				rule = vuln.UnfixedVulnerability
			case p.IsOS():
				rule = vuln.VulnerableOSPackage
			}
			ev.RuleID = rule.ID
			ev.Message = fmt.Sprintf("%s in %s %s", f.IDs[0], p.Name, p.Version)
			if !f.Unfixed() {
				ev.Message += ": fixed in " + strings.Join(f.Fixed, ", ")
			}
			res.Events = append(res.Events, ev)
		}
		reported[r.digest] = keys
	}
	slices.SortFunc(res.Events, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Image, b.Image), cmp.Compare(a.Package, b.Package), cmp.Compare(a.Vulnerability, b.Vulnerability))
	})
	enc := json.NewEncoder(w.opts.Out)
	for _, ev := range res.Events {
		if err := enc.Encode(ev); err != nil {
			return res, fmt.Errorf("writing findings: %w", err)
		}
	}
	if w.opts.Webhook != "" && len(res.Events) > 0 {
		if err := w.post(ctx, res.Events); err != nil {
			// The findings stay unreported for the webhook: the next
			// pass sends them again.
			return res, err
		}
	}
	if err := w.state.putReported(reported); err != nil {
		return res, err
	}
	return res, w.state.putMeta(metaKey, stamp)
}

func (w *Watcher) post(ctx context.Context, events []Event) error {
	body, err := json.Marshal(map[string]any{"source": "palisade", "target": w.opts.Target, "findings": events})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.Webhook, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := w.opts.HTTP
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook: HTTP %s", resp.Status)
	}
	return nil
}
