// Package config reads .palisade.yaml: which rules run and at what
// severity, ignores with reasons and expiry dates, and the image policy.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/palisade-sec/palisade/internal/finding"
)

// FileNames are the names searched for, in order, in each directory.
var FileNames = []string{".palisade.yaml", ".palisade.yml"}

// Config is the content of a .palisade.yaml file.
type Config struct {
	// Path is where the config was read from; empty for the default config.
	Path string `yaml:"-"`

	Version int         `yaml:"version"`
	FailOn  string      `yaml:"failOn"`
	Rules   Rules       `yaml:"rules"`
	Ignores []Ignore    `yaml:"ignores"`
	Images  ImagePolicy `yaml:"images"`
	Vuln    Vuln        `yaml:"vuln"`
}

// Vuln configures the vulnerability database.
type Vuln struct {
	// Ecosystems are the OSV ecosystems `palisade db update` downloads
	// when none is named on the command line ("Debian", "Go", "PyPI", ...).
	Ecosystems []string `yaml:"ecosystems"`
	// BaseURL is an OSV mirror holding <ecosystem>/all.zip.
	BaseURL string `yaml:"baseURL"`
}

// Rules turns rules on and off and overrides severities. Names may be
// palisade IDs or aliases from other tools (DL3007, DS-0001, ...).
type Rules struct {
	Enable   []string          `yaml:"enable"`
	Disable  []string          `yaml:"disable"`
	Severity map[string]string `yaml:"severity"`
}

// Ignore suppresses findings of one rule, optionally only for targets
// matching Paths. Reason is mandatory; an ignore past Expires no longer
// applies and is itself reported.
type Ignore struct {
	Rule    string   `yaml:"rule"`
	Paths   []string `yaml:"paths"`
	Reason  string   `yaml:"reason"`
	Expires Date     `yaml:"expires"`
	// Line is the line of the entry in the config file, for messages.
	Line int `yaml:"-"`
}

// ImagePolicy is the base-image allowlist with its resolution strategies,
// shared by the Dockerfile linter, Kubernetes checks and admission.
type ImagePolicy struct {
	// Allow lists approved image patterns over normalised references,
	// e.g. "docker.io/library/*", "gcr.io/distroless/*",
	// "registry.example.com/base/node:20-*", or a digest pin.
	Allow []string `yaml:"allow"`
	// Strategies run in order for an image not in Allow: "official",
	// "pinned", "rewrite". Default: all three in that order.
	Strategies []string `yaml:"strategies"`
	// Pins maps an image reference to the only digest accepted for it.
	Pins map[string]string `yaml:"pins"`
	// Rewrites map an image pattern to an approved equivalent.
	Rewrites []Rewrite `yaml:"rewrites"`
	// RequireDigest turns on the rule that every image is pinned by digest.
	RequireDigest bool `yaml:"requireDigest"`
}

// Rewrite maps images matching From to To; a "*" in To is replaced by what
// the "*" in From matched.
type Rewrite struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// Strategy names.
const (
	StrategyOfficial = "official"
	StrategyPinned   = "pinned"
	StrategyRewrite  = "rewrite"
)

// DefaultStrategies is the order used when none is configured.
var DefaultStrategies = []string{StrategyOfficial, StrategyPinned, StrategyRewrite}

// Date is a calendar day, written as YYYY-MM-DD.
type Date struct{ time.Time }

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if err != nil {
		return fmt.Errorf("line %d: expires must be a date like 2027-01-31, got %q", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

// Default is the configuration used when no file is found.
func Default() *Config { return &Config{} }

// Parse reads a config from r; name is used in error messages.
func Parse(name string, r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("reading config %s: %w", name, err)
	}
	cfg := &Config{Path: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %s", name, cleanYAMLError(err))
	}
	if err := recordIgnoreLines(data, cfg); err != nil {
		return nil, fmt.Errorf("config %s: %s", name, cleanYAMLError(err))
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return cfg, nil
}

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// cleanYAMLError turns yaml.v3's Go-flavoured messages into ones a user
// can act on: "line 3: unknown key "foo"".
func cleanYAMLError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = unknownField.ReplaceAllString(msg, `unknown key "$1" (see the configuration section of the README)`)
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}

func recordIgnoreLines(data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return err
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "ignores" {
			continue
		}
		for j, item := range root.Content[i+1].Content {
			if j < len(cfg.Ignores) {
				cfg.Ignores[j].Line = item.Line
			}
		}
	}
	return nil
}

func (c *Config) check() error {
	var errs []error
	if c.Version != 0 && c.Version != 1 {
		errs = append(errs, fmt.Errorf("version %d is not supported: use version: 1", c.Version))
	}
	if c.FailOn != "" {
		if _, err := finding.ParseSeverity(c.FailOn); err != nil {
			errs = append(errs, fmt.Errorf("failOn: %w", err))
		}
	}
	for id, s := range c.Rules.Severity {
		if _, err := finding.ParseSeverity(s); err != nil {
			errs = append(errs, fmt.Errorf("rules.severity.%s: %w", id, err))
		}
	}
	for _, ig := range c.Ignores {
		if ig.Rule == "" {
			errs = append(errs, fmt.Errorf("line %d: ignore has no rule", ig.Line))
		}
		if strings.TrimSpace(ig.Reason) == "" {
			errs = append(errs, fmt.Errorf("line %d: ignore of %s has no reason: every ignore must say why", ig.Line, ig.Rule))
		}
		for _, p := range ig.Paths {
			if _, err := filepath.Match(p, ""); err != nil {
				errs = append(errs, fmt.Errorf("line %d: bad path pattern %q: %w", ig.Line, p, err))
			}
		}
	}
	for _, s := range c.Images.Strategies {
		switch s {
		case StrategyOfficial, StrategyPinned, StrategyRewrite:
		default:
			errs = append(errs, fmt.Errorf("images.strategies: unknown strategy %q: use official, pinned or rewrite", s))
		}
	}
	for _, rw := range c.Images.Rewrites {
		if rw.From == "" || rw.To == "" {
			errs = append(errs, errors.New("images.rewrites: every rewrite needs both from and to"))
		}
	}
	return errors.Join(errs...)
}

// Load reads the config at path.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening config: %w", err)
	}
	defer f.Close()
	return Parse(path, f)
}

// Find looks for a config file in dir and its parents and returns its
// path, or "" when there is none.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	for {
		for _, n := range FileNames {
			p := filepath.Join(abs, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", nil
		}
		abs = parent
	}
}

// Discover loads the explicit config when given, otherwise the one found
// upward from target, otherwise the default.
func Discover(explicit, target string) (*Config, error) {
	if explicit != "" {
		return Load(explicit)
	}
	p, err := Find(target)
	if err != nil || p == "" {
		return Default(), err
	}
	return Load(p)
}

// StrategyOrder returns the configured strategies or the default order.
func (p ImagePolicy) StrategyOrder() []string {
	if len(p.Strategies) == 0 {
		return DefaultStrategies
	}
	return p.Strategies
}
