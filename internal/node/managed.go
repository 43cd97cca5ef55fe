package node

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

// Managed Kubernetes has its own CIS benchmarks (Amazon EKS, GKE, AKS).
// Their worker node sections are the upstream kubelet checks renumbered,
// some with other expectations (644 instead of 600, automated instead of
// manual) and some left out. Rather than copy the checks, a CIS
// Kubernetes check names its recommendation in each variant; on a node of
// that flavour the check is judged and reported as the variant sees it.

// managedBenchmark is the CIS benchmark for one provider's nodes.
type managedBenchmark struct {
	// ID is the benchmark's name in results ("cis-eks-1.8.0").
	ID string
	// Title spells it for people.
	Title string
	// AliasTool prefixes the variant's numbers in rule aliases
	// ("cis-eks:3.2.1"), so ignore lists written for it keep working.
	AliasTool string
}

// managedBenchmarks maps each managed flavour to the benchmark version
// its nodes are judged on. Numbers and expectations are those of
// kube-bench's eks-1.8.0, gke-1.6.0 and aks-1.8.0 node sections.
var managedBenchmarks = map[Flavour]managedBenchmark{
	EKS: {"cis-eks-1.8.0", "CIS Amazon EKS Benchmark 1.8.0", "cis-eks"},
	GKE: {"cis-gke-1.6.0", "CIS GKE Benchmark 1.6.0", "cis-gke"},
	AKS: {"cis-aks-1.8.0", "CIS AKS Benchmark 1.8.0", "cis-aks"},
}

// managedFlavours lists the keys of managedBenchmarks in a stable order.
var managedFlavours = []Flavour{EKS, GKE, AKS}

// SectionVariant is where a section's checks sit in a managed benchmark.
type SectionVariant struct {
	// Section is the variant's section number ("3.2").
	Section string `yaml:"section"`
	// Name defaults to the upstream section's name.
	Name string `yaml:"name"`
}

// CheckVariant is a check's recommendation in a managed benchmark. What
// it leaves out is as upstream; the scoring is the variant's own.
type CheckVariant struct {
	Ref string `yaml:"ref"`
	// Manual: the variant scores the recommendation as manual.
	Manual bool `yaml:"manual"`
	// Title replaces the check's title when the expectation differs.
	Title string `yaml:"title"`
	// Value replaces the wanted value of the check's test, a single
	// leaf ("644" where upstream wants "600").
	Value string `yaml:"value"`
}

// ManagedBenchmark names the managed benchmark a flavour's nodes are
// judged on, or "" for a flavour that has none.
func ManagedBenchmark(fl Flavour) string { return managedBenchmarks[fl].ID }

// validateVariants checks a check's variants against its section's.
func (s *Section) validateVariants(c *Check) error {
	for _, fl := range sortedVariantKeys(c.Variants) {
		v := c.Variants[fl]
		if _, ok := s.Variants[fl]; !ok {
			return fmt.Errorf("variant %q is not declared by the section", fl)
		}
		if v == nil || v.Ref == "" {
			return fmt.Errorf("variant %s needs a ref", fl)
		}
		if strings.HasSuffix(v.Title, ".") {
			return fmt.Errorf("variant %s: title must not end with a period", fl)
		}
		if v.Value == "" {
			continue
		}
		if c.Test == nil || len(c.Test.All)+len(c.Test.Any) > 0 || c.Test.Not != nil || c.Test.Value == "" {
			return fmt.Errorf("variant %s: value replaces the value of a single-leaf test", fl)
		}
		if c.Test.Op == "mode" {
			if _, err := parseOctal(v.Value); err != nil {
				return fmt.Errorf("variant %s: %w", fl, err)
			}
		}
	}
	if c.Ref == "" && len(s.Variants) > 0 && len(c.Variants) == 0 {
		return errors.New("a check of a section with variants needs a ref, or variants if it is only part of them")
	}
	return nil
}

func (s *Section) validateSectionVariants() error {
	for _, fl := range sortedVariantKeys(s.Variants) {
		v := s.Variants[fl]
		if _, ok := managedBenchmarks[fl]; !ok {
			return fmt.Errorf("variant %q: no managed benchmark for it (use eks, gke or aks)", fl)
		}
		if v == nil || v.Section == "" {
			return fmt.Errorf("variant %s needs a section number", fl)
		}
	}
	if len(s.Variants) > 0 && !isKubernetesCIS(s.Benchmark) {
		return errors.New("only CIS Kubernetes sections have managed variants")
	}
	return nil
}

// asJudgedOn returns the check as the benchmark of the node's flavour
// sees it. On a node without a managed benchmark it is the check itself,
// or nil for a check only part of managed benchmarks. On a managed node
// it is the variant's recommendation, or, when the variant has none, the
// check with the reason to report it not applicable.
func (c *Check) asJudgedOn(fl Flavour) (view *Check, notPart string) {
	mb, managed := managedBenchmarks[fl]
	if !isKubernetesCIS(c.Section.Benchmark) {
		return c, ""
	}
	v := c.Variants[fl]
	switch {
	case v == nil && c.Ref == "" && len(c.Variants) > 0:
		return nil, "" // another provider's recommendation
	case !managed:
		return c, ""
	case v == nil:
		return c, "not part of " + mb.Title
	}
	sv := c.Section.Variants[fl]
	sec := *c.Section
	sec.Benchmark, sec.ID, sec.Name = mb.ID, sv.Section, cmpOr(sv.Name, c.Section.Name)
	out := *c
	out.Section, out.Ref, out.Manual, out.Title = &sec, v.Ref, v.Manual, cmpOr(v.Title, c.Title)
	if v.Value != "" {
		t := *c.Test
		t.Value = v.Value
		out.Test = &t
	}
	return &out, ""
}

// variantDoc lists the check's recommendations in the managed
// benchmarks, for its rule documentation.
func (c *Check) variantDoc() string {
	var lines []string
	for _, fl := range managedFlavours {
		v := c.Variants[fl]
		if v == nil {
			continue
		}
		kind := "automated"
		if v.Manual {
			kind = "manual"
		}
		line := fmt.Sprintf("%s: %s (%s", managedBenchmarks[fl].Title, v.Ref, kind)
		if v.Value != "" {
			line += ", wants " + v.Value
		}
		lines = append(lines, line+")")
	}
	var absent []string
	if c.Ref != "" {
		for _, fl := range managedFlavours {
			if _, declared := c.Section.Variants[fl]; declared && c.Variants[fl] == nil {
				absent = append(absent, managedBenchmarks[fl].Title)
			}
		}
	}
	if len(absent) > 0 {
		lines = append(lines, "not part of "+strings.Join(absent, ", "))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n\nManaged Kubernetes: " + strings.Join(lines, "; ") + "."
}

// variantAliases are the check's numbers in the managed benchmarks.
func (c *Check) variantAliases() []finding.Alias {
	var out []finding.Alias
	for _, fl := range managedFlavours {
		if v := c.Variants[fl]; v != nil {
			out = append(out, finding.Alias{Tool: managedBenchmarks[fl].AliasTool, ID: v.Ref})
		}
	}
	return out
}

// sortedVariantKeys is for stable messages about a map of variants.
func sortedVariantKeys[V any](m map[Flavour]V) []Flavour {
	keys := make([]Flavour, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
