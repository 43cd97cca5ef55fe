package node

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// Check is one declarative benchmark check, loaded from the embedded
// check sets (checks/*.yaml, one file per benchmark section).
type Check struct {
	ID string `yaml:"id"`
	// Ref is the benchmark's own number ("1.2.1", docker-bench "2.1").
	Ref         string `yaml:"ref"`
	Title       string `yaml:"title"`
	Doc         string `yaml:"doc"`
	Remediation string `yaml:"remediation"`
	Severity    string `yaml:"severity"`
	// Manual marks a recommendation the benchmark scores as manual: a
	// failed test is reported as warn, for a person to judge.
	Manual bool `yaml:"manual"`
	// Component overrides the section's component.
	Component string `yaml:"component"`
	// Control overrides the section's control.
	Control control.ID `yaml:"control"`
	// When, if set, must hold for the check to apply (else n/a).
	When *Expr `yaml:"when"`
	// Test is what must hold. A check without a test is reported as
	// manual: palisade shows the recommendation, a person judges it.
	Test *Expr `yaml:"test"`
	// Variants is the check's recommendation in each managed benchmark
	// its section has (see managed.go). A check without an entry for a
	// variant is not part of that benchmark; a check with variants and
	// no Ref is only part of them.
	Variants map[Flavour]*CheckVariant `yaml:"variants"`

	// Filled from the section.
	Section   *Section `yaml:"-"`
	severity  finding.Severity
	component string
	control   control.ID
}

// Section is one embedded check file.
type Section struct {
	// Benchmark names the benchmark and version, e.g. "cis-1.12".
	Benchmark string `yaml:"benchmark"`
	// ID is the benchmark section number ("1.2") or a palisade name.
	ID   string `yaml:"section"`
	Name string `yaml:"name"`
	// AliasTool names the tool whose IDs Ref matches ("kube-bench").
	AliasTool string     `yaml:"aliasTool"`
	Control   control.ID `yaml:"control"`
	// Component is the component every check of the section is about;
	// the checks are n/a on a node where it does not run.
	Component string `yaml:"component"`
	// Variants places the section in the managed benchmarks (eks, gke,
	// aks) whose nodes its checks are judged for.
	Variants map[Flavour]*SectionVariant `yaml:"variants"`
	Checks   []*Check                    `yaml:"checks"`
	File     string                      `yaml:"-"`
}

// Expr is a test: either a combination (All, Any, Not) or a leaf that
// reads one fact and compares it.
type Expr struct {
	All []*Expr `yaml:"all"`
	Any []*Expr `yaml:"any"`
	Not *Expr   `yaml:"not"`

	Fact `yaml:",inline"`

	Op    string `yaml:"op"`
	Value string `yaml:"value"`
	// ValueFrom takes the wanted value from another component setting
	// (etcd's CA must differ from the API server's client CA).
	ValueFrom *Fact    `yaml:"valueFrom"`
	Values    []string `yaml:"values"`
	// Missing is the status when the fact is absent (a file that does
	// not exist, a config file that is not used): pass, fail, warn or
	// na. The default depends on the op (see evalLeaf).
	Missing string `yaml:"missing"`
	// Label replaces the fact's name in messages.
	Label string `yaml:"label"`
}

// Fact names what a leaf reads. Exactly one of Flag, Config (alone),
// File, Tree, Sysctl, Module, Doc, Unit or Extra is set.
type Fact struct {
	// Flag is a command-line flag of the component ("--profiling").
	Flag string `yaml:"flag"`
	// Config is a key path in the component's configuration file
	// ("authentication.anonymous.enabled"); flags override it, as the
	// kubelet does.
	Config string `yaml:"config"`
	// Env is an environment variable the component also reads
	// (etcd's ETCD_CERT_FILE); a flag overrides it.
	Env string `yaml:"env"`
	// Default is the component's built-in value when nothing sets it.
	Default *string `yaml:"default"`
	// ConfigDefault is the default when the component runs with a
	// configuration file, whose defaults can differ from the flags'
	// (the kubelet's anonymous auth is on by flag, off by config).
	ConfigDefault *string `yaml:"configDefault"`
	// Component overrides the check's component for this fact.
	Component string `yaml:"component"`

	// File is a node path or a $variable (see variables.go).
	File string `yaml:"file"`
	// Tree is a directory whose files are all judged; Glob filters
	// them by base name.
	Tree string `yaml:"tree"`
	Glob string `yaml:"glob"`

	Sysctl string `yaml:"sysctl"`
	Module string `yaml:"module"`

	// Doc is a configuration file (path or $variable) read as Format
	// (json, yaml, toml, sshd, keyvalue); Key is the path inside it.
	Doc    string `yaml:"doc"`
	Format string `yaml:"format"`
	Key    string `yaml:"key"`

	// Unit is a systemd unit; Key is "Section.Setting".
	Unit string `yaml:"unit"`

	// Extra is a fact from a dedicated collector ("mount./tmp").
	Extra string `yaml:"extra"`
}

// kind says which fact a leaf reads.
func (f *Fact) kind() string {
	var kinds []string
	if f.Flag != "" || f.Env != "" || (f.Config != "" && f.Doc == "") {
		kinds = append(kinds, "setting")
	}
	for _, k := range []struct{ name, v string }{{"file", f.File}, {"tree", f.Tree}, {"sysctl", f.Sysctl}, {"module", f.Module}, {"doc", f.Doc}, {"unit", f.Unit}, {"extra", f.Extra}} {
		if k.v != "" {
			kinds = append(kinds, k.name)
		}
	}
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

// The comparison operators a leaf may use.
var ops = map[string]string{
	"eq":          "equals the value (booleans and numbers compared by meaning)",
	"neq":         "differs from the value",
	"has":         "the comma-separated list contains the value",
	"not-has":     "the list does not contain the value",
	"regex":       "matches the regular expression",
	"not-regex":   "does not match the regular expression",
	"set":         "is set",
	"unset":       "is not set",
	"gte":         "is a number or duration at least the value",
	"lte":         "is a number or duration at most the value",
	"in":          "is one of the values",
	"subset":      "every list element is one of the values",
	"mode":        "permissions are the value (octal) or more restrictive",
	"owner":       "owner is user:group, one of the values",
	"version-gte": "is a version at least the value",
	"exists":      "the file exists",
	"not-exists":  "the file does not exist",
	"disabled":    "the kernel module is not loaded and cannot be loaded",
	"empty":       "the list is empty",
}

var statusNames = []string{"pass", "fail", "warn", "na"}

//go:embed checks/*.yaml
var checkFiles embed.FS

var (
	loadOnce     sync.Once
	loadSections []*Section
	loadErr      error
)

// Sections returns the embedded check sets. It panics only if they are
// malformed, which TestSections catches.
func Sections() []*Section {
	loadOnce.Do(func() { loadSections, loadErr = LoadSections(checkFiles, "checks") })
	if loadErr != nil {
		panic("palisade node checks: " + loadErr.Error())
	}
	return loadSections
}

// Checks returns every embedded check, in file then declaration order.
func Checks() []*Check {
	var out []*Check
	for _, s := range Sections() {
		out = append(out, s.Checks...)
	}
	return out
}

// LoadSections parses and validates every *.yaml file in dir of fsys.
func LoadSections(fsys fs.FS, dir string) ([]*Section, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []*Section
	ids := map[string]string{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		s, err := ParseSection(e.Name(), data)
		if err != nil {
			return nil, err
		}
		for _, c := range s.Checks {
			if other, dup := ids[c.ID]; dup {
				return nil, fmt.Errorf("%s: check %s already defined in %s", e.Name(), c.ID, other)
			}
			ids[c.ID] = e.Name()
		}
		out = append(out, s)
	}
	return out, nil
}

var checkID = regexp.MustCompile(`^PAL-(NODE|AUD|CERT|RT|OS)-\d{3}$`)

// ParseSection parses and validates one check file.
func ParseSection(name string, data []byte) (*Section, error) {
	s := &Section{File: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("check file %s: %w", name, err)
	}
	if err := control.Validate(s.Control); err != nil {
		return nil, fmt.Errorf("check file %s: %w", name, err)
	}
	if s.Benchmark == "" || s.ID == "" || s.Name == "" {
		return nil, fmt.Errorf("check file %s: benchmark, section and name are required", name)
	}
	if s.Component != "" && !knownComponent(s.Component) {
		return nil, fmt.Errorf("check file %s: unknown component %q", name, s.Component)
	}
	if err := s.validateSectionVariants(); err != nil {
		return nil, fmt.Errorf("check file %s: %w", name, err)
	}
	for i, c := range s.Checks {
		if err := s.prepare(c); err != nil {
			return nil, fmt.Errorf("check file %s, check %d (%s): %w", name, i+1, c.ID, err)
		}
	}
	return s, nil
}

func (s *Section) prepare(c *Check) error {
	c.Section = s
	if !checkID.MatchString(c.ID) {
		return fmt.Errorf("ID %q is not of the form PAL-<NODE|AUD|CERT|RT|OS>-<NNN>", c.ID)
	}
	if c.Title == "" || strings.HasSuffix(c.Title, ".") || c.Doc == "" || c.Remediation == "" {
		return errors.New("title (no trailing period), doc and remediation are required")
	}
	sev, err := finding.ParseSeverity(c.Severity)
	if err != nil {
		return err
	}
	c.severity = sev
	c.component = cmpOr(c.Component, s.Component)
	if c.component != "" && !knownComponent(c.component) {
		return fmt.Errorf("unknown component %q", c.component)
	}
	c.control = cmpOr(c.Control, s.Control)
	if err := control.Validate(c.control); err != nil {
		return err
	}
	for _, e := range []*Expr{c.When, c.Test} {
		if e == nil {
			continue
		}
		if err := e.validate(); err != nil {
			return err
		}
	}
	return s.validateVariants(c)
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

func (e *Expr) validate() error {
	n := 0
	for _, set := range []bool{len(e.All) > 0, len(e.Any) > 0, e.Not != nil} {
		if set {
			n++
		}
	}
	leaf := e.Fact != (Fact{}) || e.Op != ""
	if n > 1 || (n == 1 && leaf) {
		return errors.New("an expression is one of all, any, not or a leaf")
	}
	for _, sub := range slices.Concat(e.All, e.Any) {
		if err := sub.validate(); err != nil {
			return err
		}
	}
	if e.Not != nil {
		return e.Not.validate()
	}
	if n == 1 {
		return nil
	}
	k := e.kind()
	if k == "" {
		return fmt.Errorf("a leaf reads exactly one fact (flag/config/env, file, tree, sysctl, module, doc, unit or extra): %+v", e.Fact)
	}
	if _, ok := ops[e.Op]; !ok {
		return fmt.Errorf("unknown op %q", e.Op)
	}
	if e.Component != "" && !knownComponent(e.Component) {
		return fmt.Errorf("unknown component %q", e.Component)
	}
	if e.Missing != "" && !slices.Contains(statusNames, e.Missing) {
		return fmt.Errorf("missing must be one of %v", statusNames)
	}
	switch e.Op {
	case "regex", "not-regex":
		if _, err := regexp.Compile(e.Value); err != nil {
			return fmt.Errorf("regex: %w", err)
		}
	case "mode":
		if _, err := parseOctal(e.Value); err != nil {
			return err
		}
	case "eq", "neq", "has", "not-has", "gte", "lte", "version-gte":
		if e.Value == "" && len(e.Values) == 0 && e.ValueFrom == nil {
			return fmt.Errorf("op %s needs a value", e.Op)
		}
	case "in", "subset":
		if len(e.Values) == 0 {
			return fmt.Errorf("op %s needs values", e.Op)
		}
	}
	if k == "doc" && !slices.Contains([]string{"json", "yaml", "toml", "sshd", "keyvalue"}, e.Format) {
		return fmt.Errorf("doc %s needs a format: json, yaml, toml, sshd or keyvalue", e.Doc)
	}
	return nil
}

// Severity is the check's parsed default severity.
func (c *Check) SeverityLevel() finding.Severity { return c.severity }

// ComponentName is the component the check is about, or "".
func (c *Check) ComponentName() string { return c.component }

// ControlID is the control the check belongs to.
func (c *Check) ControlID() control.ID { return c.control }

// walk calls fn on every leaf of e.
func (e *Expr) walk(fn func(*Expr)) {
	if e == nil {
		return
	}
	for _, s := range slices.Concat(e.All, e.Any) {
		s.walk(fn)
	}
	if e.Not != nil {
		e.Not.walk(fn)
	}
	if len(e.All) == 0 && len(e.Any) == 0 && e.Not == nil {
		fn(e)
	}
}
