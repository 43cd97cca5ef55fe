// Package ruleset gathers the rules of every target kind into one
// registry: the source of `palisade rules`, docs/rules.md, SARIF rule
// metadata and configuration validation.
package ruleset

import (
	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/dockerfile"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image/assess"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/kube/identity"
	"github.com/palisade-sec/palisade/internal/node"
	"github.com/palisade-sec/palisade/internal/vuln"
)

// All returns a registry of every palisade rule. It panics only when the
// built-in rules themselves are inconsistent, which TestAll catches.
func All() *finding.Registry {
	var rules []*finding.Rule
	rules = append(rules, config.ExpiredIgnore)
	rules = append(rules, dockerfile.Rules()...)
	rules = append(rules, assess.Rules()...)
	rules = append(rules, node.Rules()...)
	rules = append(rules, checks.Rules()...)
	rules = append(rules, identity.KubeconfigRules()...)
	rules = append(rules, vuln.Rules()...)
	reg, err := finding.NewRegistry(rules...)
	if err != nil {
		panic("palisade rule registry: " + err.Error())
	}
	return reg
}
