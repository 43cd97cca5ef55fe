package imageref

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/opencontainers/go-digest"

	"github.com/palisade-sec/palisade/internal/config"
)

// Values of Decision.By besides "allow:<pattern>".
const (
	ByOfficial = config.StrategyOfficial
	ByPinned   = config.StrategyPinned
	ByRewrite  = config.StrategyRewrite
	// ByAllow prefixes the pattern that approved an image.
	ByAllow = "allow:"
	// stepAllow names the allow-list step in Decision.Steps.
	stepAllow = "allow"
)

// Decision is the verdict of the image policy on one image.
type Decision struct {
	// Allowed reports whether the image may be used as written.
	Allowed bool `json:"allowed"`
	// By names what decided: "allow:<pattern>", "official" or "pinned"
	// when the image is accepted; "rewrite" when it is not accepted as
	// written but a rewrite rule names its approved equivalent (Suggest).
	// Empty when nothing accepted it, or when no policy is configured.
	By string `json:"by,omitempty"`
	// Reason says which step accepted the image, or why each one rejected
	// it, in the order they ran.
	Reason string `json:"reason"`
	// Suggest is the approved equivalent from a rewrite rule, as the fix.
	Suggest string `json:"suggest,omitempty"`
	// Steps are the allow list and each strategy that ran, in order.
	Steps []Step `json:"steps,omitempty"`
}

// Step is the outcome of one step of the evaluation.
type Step struct {
	// Strategy is "allow", "official", "pinned" or "rewrite".
	Strategy string `json:"strategy"`
	Accepted bool   `json:"accepted"`
	Detail   string `json:"detail"`
}

// Policy is a compiled config.ImagePolicy.
type Policy struct {
	allow    []Pattern
	order    []string
	pins     []pin
	rewrites []rewrite
	active   bool
}

type pin struct {
	key    string // as written in the config
	ref    Ref
	digest string
}

type rewrite struct {
	from Pattern
	to   string
}

// Active reports whether p configures anything to judge images by: an
// allow list, pins or rewrites. Without them there is no policy, and
// images are not judged (the strategies alone would reject everything
// that is not an official image, which nobody asked for).
func Active(p config.ImagePolicy) bool {
	return len(p.Allow) > 0 || len(p.Pins) > 0 || len(p.Rewrites) > 0
}

// Compile parses every pattern, pin and rewrite of p. Invalid entries are
// reported together in the error and left out of the returned policy,
// which is always usable.
func Compile(p config.ImagePolicy) (*Policy, error) {
	cp := &Policy{active: Active(p)}
	var errs []error
	for _, a := range p.Allow {
		pat, err := ParsePattern(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("images.allow: %w", err))
			continue
		}
		cp.allow = append(cp.allow, pat)
	}
	for _, s := range p.StrategyOrder() {
		switch s {
		case config.StrategyOfficial, config.StrategyPinned, config.StrategyRewrite:
			if !slices.Contains(cp.order, s) {
				cp.order = append(cp.order, s)
			}
		default:
			errs = append(errs, fmt.Errorf("images.strategies: unknown strategy %q: use official, pinned or rewrite", s))
		}
	}
	keys := make([]string, 0, len(p.Pins))
	for k := range p.Pins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ref, err := Parse(k)
		if err != nil {
			errs = append(errs, fmt.Errorf("images.pins: %w", err))
			continue
		}
		if ref.Digest != "" {
			errs = append(errs, fmt.Errorf("images.pins: key %q has a digest: write the image as key and the digest as value", k))
			continue
		}
		d, err := digest.Parse(strings.TrimSpace(p.Pins[k]))
		if err != nil {
			errs = append(errs, fmt.Errorf("images.pins: %s: invalid digest %q: %w", k, p.Pins[k], err))
			continue
		}
		cp.pins = append(cp.pins, pin{key: k, ref: ref, digest: d.String()})
	}
	for _, rw := range p.Rewrites {
		from, err := ParsePattern(rw.From)
		if err != nil {
			errs = append(errs, fmt.Errorf("images.rewrites: from: %w", err))
			continue
		}
		to := strings.TrimSpace(rw.To)
		if n := wildcards(to); n > from.groups {
			errs = append(errs, fmt.Errorf("images.rewrites: %q has %d wildcards but %q only %d", rw.To, n, rw.From, from.groups))
			continue
		}
		if strings.ContainsRune(to, '?') {
			errs = append(errs, fmt.Errorf("images.rewrites: %q: a rewrite target may use \"*\" but not \"?\"", rw.To))
			continue
		}
		cp.rewrites = append(cp.rewrites, rewrite{from: from, to: to})
	}
	return cp, errors.Join(errs...)
}

// Evaluate judges ref by policy p with the official image list official.
// It compiles p on each call; callers judging many images use Compile.
// Invalid policy entries are skipped (Compile reports them).
func Evaluate(ref Ref, p config.ImagePolicy, official OfficialSet) Decision {
	cp, _ := Compile(p)
	return cp.Evaluate(ref, official)
}

// Active reports whether the compiled policy judges anything.
func (p *Policy) Active() bool { return p.active }

// Evaluate judges ref: an image matching an allowed pattern is accepted;
// otherwise the strategies run in the configured order and the first one
// that accepts decides. Without an active policy every image is allowed.
func (p *Policy) Evaluate(ref Ref, official OfficialSet) Decision {
	if !p.active {
		return Decision{Allowed: true, Reason: "no image policy is configured (images.allow, images.pins and images.rewrites are empty)"}
	}
	for _, pat := range p.allow {
		if pat.Match(ref) {
			return Decision{
				Allowed: true,
				By:      ByAllow + pat.Raw,
				Reason:  fmt.Sprintf("%s matches the allowed pattern %s", ref, pat.Raw),
				Steps:   []Step{{Strategy: stepAllow, Accepted: true, Detail: "matches " + pat.Raw}},
			}
		}
	}
	var steps []Step
	switch len(p.allow) {
	case 0:
		steps = append(steps, Step{Strategy: stepAllow, Detail: "images.allow lists no patterns"})
	case 1:
		steps = append(steps, Step{Strategy: stepAllow, Detail: "it does not match the allowed pattern " + p.allow[0].Raw})
	default:
		steps = append(steps, Step{Strategy: stepAllow, Detail: fmt.Sprintf("it matches none of the %d allowed patterns", len(p.allow))})
	}
	for _, s := range p.order {
		var st Step
		var suggest string
		switch s {
		case config.StrategyOfficial:
			st = p.official(ref, official)
		case config.StrategyPinned:
			st = p.pinned(ref)
		case config.StrategyRewrite:
			st, suggest = p.rewrite(ref, official)
		}
		steps = append(steps, st)
		if !st.Accepted {
			continue
		}
		if s == config.StrategyRewrite {
			return Decision{By: ByRewrite, Suggest: suggest, Steps: steps,
				Reason: fmt.Sprintf("%s is not approved as written; rewrite: %s", ref.Familiar(), st.Detail)}
		}
		return Decision{Allowed: true, By: s, Steps: steps, Reason: s + ": " + st.Detail}
	}
	parts := make([]string, 0, len(steps))
	for _, st := range steps {
		if st.Strategy == stepAllow {
			parts = append(parts, st.Detail)
		} else {
			parts = append(parts, st.Strategy+": "+st.Detail)
		}
	}
	return Decision{Steps: steps, Reason: strings.Join(parts, "; ")}
}

func (p *Policy) official(ref Ref, official OfficialSet) Step {
	st := Step{Strategy: config.StrategyOfficial}
	switch {
	case official.Contains(ref):
		st.Accepted = true
		st.Detail = ref.Name() + " is a Docker Official Image"
	case ref.IsOfficial():
		st.Detail = fmt.Sprintf("%s is not on the Docker Official Images list", ref.Name())
		if src := official.Source(); src != "" {
			st.Detail += " (" + src + ")"
		}
	default:
		last := ref.Repository[strings.LastIndexByte(ref.Repository, '/')+1:]
		if official.names[last] {
			st.Detail = fmt.Sprintf("%s is not a Docker Official Image: only docker.io/library/%s is", ref.Name(), last)
		} else {
			st.Detail = fmt.Sprintf("%s is not a Docker Official Image (those are docker.io/library/<name> only)", ref.Name())
		}
	}
	return st
}

// pinsFor returns the pins that apply to ref's repository and tag: a pin
// without a tag covers every tag; one with a tag covers that tag and
// references written without a tag.
func (p *Policy) pinsFor(ref Ref) []pin {
	var out []pin
	for _, pn := range p.pins {
		if pn.ref.Name() != ref.Name() {
			continue
		}
		if pn.ref.HasExplicitTag() && ref.HasExplicitTag() && pn.ref.Tag != ref.Tag {
			continue
		}
		out = append(out, pn)
	}
	return out
}

func (p *Policy) pinned(ref Ref) Step {
	st := Step{Strategy: config.StrategyPinned}
	if len(p.pins) == 0 {
		st.Detail = "images.pins is empty"
		return st
	}
	pins := p.pinsFor(ref)
	if ref.Digest == "" {
		if len(pins) > 0 {
			st.Detail = fmt.Sprintf("it is not pinned by digest; images.pins accepts %s@%s", pins[0].key, pins[0].digest)
		} else {
			st.Detail = fmt.Sprintf("it is not pinned by digest, and images.pins has no entry for %s", ref.Name())
		}
		return st
	}
	if len(pins) == 0 {
		st.Detail = fmt.Sprintf("images.pins has no entry for %s", ref.Name())
		if ref.HasExplicitTag() {
			st.Detail = fmt.Sprintf("images.pins has no entry for %s:%s", ref.Name(), ref.Tag)
		}
		return st
	}
	for _, pn := range pins {
		if pn.digest == ref.Digest {
			st.Accepted = true
			st.Detail = fmt.Sprintf("%s matches the pin for %s", ref.Digest, pn.key)
			return st
		}
	}
	want := make([]string, len(pins))
	for i, pn := range pins {
		want[i] = pn.key + "@" + pn.digest
	}
	st.Detail = fmt.Sprintf("digest %s does not match the pinned %s", ref.Digest, strings.Join(want, ", "))
	return st
}

func (p *Policy) rewrite(ref Ref, official OfficialSet) (Step, string) {
	st := Step{Strategy: config.StrategyRewrite}
	if len(p.rewrites) == 0 {
		st.Detail = "images.rewrites is empty"
		return st, ""
	}
	var problems []string
	for _, rw := range p.rewrites {
		caps, ok := rw.from.captures(ref)
		if !ok {
			continue
		}
		target := substitute(rw.to, caps)
		if !rw.from.HasTag() && !rw.from.HasDigest() {
			// A repository-level rule moves the image (e.g. to a mirror):
			// the tag and digest carry over unless the target sets its own.
			if t, err := Parse(target); err == nil && !t.HasExplicitTag() && t.Digest == "" {
				if ref.HasExplicitTag() {
					target += ":" + ref.Tag
				}
				if ref.Digest != "" {
					target += "@" + ref.Digest
				}
			}
		}
		t, err := Parse(target)
		if err != nil {
			problems = append(problems, fmt.Sprintf("rule %s → %s yields %q, which is not a valid image reference", rw.from.Raw, rw.to, target))
			continue
		}
		if t.Name() == ref.Name() && t.Tag == ref.Tag && t.Digest == ref.Digest {
			problems = append(problems, fmt.Sprintf("rule %s → %s maps it to itself", rw.from.Raw, rw.to))
			continue
		}
		st.Accepted = true
		st.Detail = fmt.Sprintf("rule %s → %s suggests %s", rw.from.Raw, rw.to, target)
		if len(p.allow) > 0 && !p.approvedTarget(t, official) {
			st.Detail += fmt.Sprintf(" (note: %s itself is not approved by images.allow, official or pinned; check the rewrite rule)", target)
		}
		return st, target
	}
	if len(problems) > 0 {
		st.Detail = strings.Join(problems, "; ")
	} else {
		st.Detail = fmt.Sprintf("no rewrite rule matches %s", ref)
	}
	return st, ""
}

// approvedTarget reports whether a rewrite target is accepted by the
// allow list or by the official and pinned strategies that are enabled.
func (p *Policy) approvedTarget(t Ref, official OfficialSet) bool {
	for _, pat := range p.allow {
		if pat.Match(t) {
			return true
		}
	}
	for _, s := range p.order {
		switch s {
		case config.StrategyOfficial:
			if official.Contains(t) {
				return true
			}
		case config.StrategyPinned:
			if p.pinned(t).Accepted {
				return true
			}
		}
	}
	return false
}
