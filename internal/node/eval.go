package node

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// Status is the verdict of one check on one node.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Warn is a failed manual recommendation, or a check whose facts
	// could not all be read: a person must look.
	Warn Status = "warn"
	// Manual is a recommendation palisade cannot judge from the node.
	Manual Status = "manual"
	// NotApplicable is a check about something this node does not have:
	// a component that does not run here, a managed control plane, a
	// file the node does not use.
	NotApplicable Status = "n/a"
)

// Statuses lists the statuses in report order.
var Statuses = []Status{Fail, Warn, Pass, Manual, NotApplicable}

// CheckResult is one check's verdict with the values it was based on.
type CheckResult struct {
	ID        string           `json:"id"`
	Ref       string           `json:"ref,omitempty"`
	Benchmark string           `json:"benchmark"`
	Section   string           `json:"section"`
	Title     string           `json:"title"`
	Control   control.ID       `json:"control"`
	Severity  finding.Severity `json:"severity"`
	Status    Status           `json:"status"`
	// Reason says why, in one line: what was wanted and what was found.
	Reason string `json:"reason,omitempty"`
	// Evidence lists every value read, with where it came from.
	Evidence []string `json:"evidence,omitempty"`
}

// outcome is the result of one expression.
type outcome struct {
	status Status
	// details are "what was found" lines; reasons are the failing ones.
	details []string
	reasons []string
}

// Evaluate judges checks against facts. It is a pure function: the same
// facts always give the same results, in check order. On a managed node
// (EKS, GKE, AKS) CIS Kubernetes checks are judged as that provider's
// benchmark states them; a recommendation of another provider's
// benchmark only is left out.
func Evaluate(checks []*Check, f *Facts) []CheckResult {
	out := make([]CheckResult, 0, len(checks))
	for _, c := range checks {
		view, notPart := c.asJudgedOn(f.Flavour)
		switch {
		case view == nil:
			continue
		case notPart != "":
			out = append(out, notPartResult(view, f, notPart))
		default:
			out = append(out, evaluateCheck(view, f))
		}
	}
	return out
}

// notPartResult reports a check its benchmark variant does not have, with
// the reason it would not apply anyway, if there is one.
func notPartResult(c *Check, f *Facts, reason string) CheckResult {
	r := newResult(c)
	r.Status, r.Reason = NotApplicable, reason
	if also := f.notApplicable(c.component); also != "" {
		r.Reason += "; " + also
	}
	return r
}

func newResult(c *Check) CheckResult {
	return CheckResult{
		ID:        c.ID,
		Ref:       c.Ref,
		Benchmark: c.Section.Benchmark,
		Section:   c.Section.ID + " " + c.Section.Name,
		Title:     c.Title,
		Control:   c.control,
		Severity:  c.severity,
	}
}

func evaluateCheck(c *Check, f *Facts) CheckResult {
	r := newResult(c)
	if reason := f.notApplicable(c.component); reason != "" {
		r.Status, r.Reason = NotApplicable, reason
		return r
	}
	if c.When != nil {
		w := f.eval(c, c.When)
		if w.status != Pass {
			r.Status = NotApplicable
			r.Reason = "does not apply: " + strings.Join(cmpOrSlice(w.reasons, w.details), "; ")
			r.Evidence = w.details
			return r
		}
	}
	if c.Test == nil {
		r.Status, r.Reason = Manual, "needs a person to judge: "+firstLine(c.Remediation)
		return r
	}
	o := f.eval(c, c.Test)
	r.Status, r.Evidence = o.status, o.details
	switch o.status {
	case Fail:
		r.Reason = strings.Join(o.reasons, "; ")
		if c.Manual {
			r.Status = Warn
			r.Reason = "manual recommendation, check it: " + r.Reason
		}
	case Warn, NotApplicable:
		r.Reason = strings.Join(cmpOrSlice(o.reasons, o.details), "; ")
	}
	return r
}

func cmpOrSlice(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// notApplicable says why checks about a component do not apply here, or
// returns "" when they do.
func (f *Facts) notApplicable(component string) string {
	if component == "" {
		return ""
	}
	spec := specFor(component)
	if spec.ControlPlane && f.Flavour.Managed() {
		return fmt.Sprintf("the control plane is managed by the cloud provider (%s)", f.Flavour)
	}
	if f.Components[component] == nil {
		return fmt.Sprintf("%s does not run on this node (no process, static pod or unit found)", component)
	}
	return ""
}

func (f *Facts) eval(c *Check, e *Expr) outcome {
	switch {
	case len(e.All) > 0:
		var subs []outcome
		for _, s := range e.All {
			subs = append(subs, f.eval(c, s))
		}
		return combine(subs, true)
	case len(e.Any) > 0:
		var subs []outcome
		for _, s := range e.Any {
			subs = append(subs, f.eval(c, s))
		}
		return combine(subs, false)
	case e.Not != nil:
		o := f.eval(c, e.Not)
		switch o.status {
		case Pass:
			o.status = Fail
			o.reasons = o.details
		case Fail:
			o.status, o.reasons = Pass, nil
		}
		return o
	}
	return f.evalLeaf(c, e)
}

// combine folds sub-results: all needs every part to pass (n/a parts are
// ignored), any needs one part to pass.
func combine(subs []outcome, all bool) outcome {
	var o outcome
	count := map[Status]int{}
	for _, s := range subs {
		count[s.status]++
		o.details = append(o.details, s.details...)
	}
	collect := func(st Status) {
		for _, s := range subs {
			if s.status == st {
				o.reasons = append(o.reasons, s.reasons...)
			}
		}
	}
	switch {
	case all && count[Fail] > 0:
		o.status = Fail
		collect(Fail)
	case !all && count[Pass] == 0 && count[Warn] == 0 && count[Fail] > 0:
		// Any failed: the last branch is the usual way to comply, so its
		// reason is the one to show; every branch stays in the evidence.
		o.status = Fail
		for i := len(subs) - 1; i >= 0; i-- {
			if subs[i].status == Fail {
				o.reasons = append(o.reasons, subs[i].reasons...)
				break
			}
		}
	case !all && count[Pass] > 0:
		o.status = Pass
	case count[Warn] > 0:
		o.status = Warn
		collect(Warn)
	case count[Pass] == 0 && count[Fail] == 0:
		o.status = NotApplicable
		collect(NotApplicable)
	case all:
		o.status = Pass
	default:
		o.status = Fail
		collect(Fail)
	}
	o.details = dedupe(o.details)
	o.reasons = dedupe(o.reasons)
	return o
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// missingStatus is the status of a leaf whose fact is absent.
func missingStatus(e *Expr, def Status) Status {
	switch e.Missing {
	case "pass":
		return Pass
	case "fail":
		return Fail
	case "warn":
		return Warn
	case "na":
		return NotApplicable
	}
	return def
}

func leafOutcome(st Status, detail, reason string) outcome {
	o := outcome{status: st}
	if detail != "" {
		o.details = []string{detail}
	}
	if st != Pass && reason != "" {
		o.reasons = []string{reason}
	}
	return o
}

// want describes what a leaf expects, for reasons.
func (e *Expr) want() string {
	switch e.Op {
	case "eq":
		return "want " + e.Value
	case "neq":
		return "want anything but " + e.Value
	case "has":
		return "want it to include " + e.Value
	case "not-has":
		return "want it not to include " + e.Value
	case "regex":
		return "want it to match " + e.Value
	case "not-regex":
		return "want it not to match " + e.Value
	case "set":
		return "want it set"
	case "unset":
		return "want it not set"
	case "gte":
		return "want at least " + e.Value
	case "lte":
		return "want at most " + e.Value
	case "in", "subset":
		return "want only " + strings.Join(e.Values, ", ")
	case "mode":
		return "want " + e.Value + " or stricter"
	case "owner":
		return "want " + strings.Join(append([]string{e.Value}, e.Values...)[boolInt(e.Value == ""):], " or ")
	case "version-gte":
		return "want version " + e.Value + " or later"
	case "exists":
		return "want it to exist"
	case "not-exists":
		return "want it absent"
	case "disabled":
		return "want it disabled in modprobe.d and not loaded"
	case "empty":
		return "want none"
	}
	return e.Op
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (f *Facts) evalLeaf(c *Check, e *Expr) outcome {
	switch e.kind() {
	case "setting":
		return f.evalSetting(c, e)
	case "file":
		return f.evalFile(e)
	case "tree":
		return f.evalTree(e)
	case "sysctl":
		s, ok := f.Sysctls[e.Sysctl]
		label := cmpOr(e.Label, e.Sysctl)
		if !ok {
			st := missingStatus(e, Warn)
			return leafOutcome(st, label+" could not be read", label+" could not be read")
		}
		return valueOutcome(e, label, s.Value, s.Source, true)
	case "module":
		m := f.Modules[e.Module]
		var detail string
		switch {
		case m.Loaded:
			detail = fmt.Sprintf("module %s is loaded", e.Module)
		case m.Disabled != "":
			detail = fmt.Sprintf("module %s is disabled: %s", e.Module, m.Disabled)
		default:
			detail = fmt.Sprintf("module %s can be loaded (no install or blacklist line in modprobe.d)", e.Module)
		}
		if !m.Loaded && m.Disabled != "" {
			return leafOutcome(Pass, detail, "")
		}
		return leafOutcome(Fail, detail, detail)
	case "doc":
		return f.evalDoc(e)
	case "unit":
		u := f.Units[e.Unit]
		label := cmpOr(e.Label, e.Unit+" "+e.Key)
		if u == nil || len(u.Files) == 0 {
			return leafOutcome(missingStatus(e, NotApplicable), "unit "+e.Unit+" not found", "unit "+e.Unit+" not found")
		}
		if e.Key == "@enabled" {
			return valueOutcome(e, label, strconv.FormatBool(u.Enabled), strings.Join(u.Files, ", "), true)
		}
		vals, ok := u.Settings[e.Key]
		if !ok || len(vals) == 0 {
			if e.Default != nil {
				return valueOutcome(e, label, *e.Default, "default", true)
			}
			return valueOutcome(e, label, "", "", false)
		}
		return valueOutcome(e, label, strings.Join(vals, " "), strings.Join(u.Files, ", "), true)
	case "extra":
		s, ok := f.Extra[e.Extra]
		label := cmpOr(e.Label, e.Extra)
		if !ok {
			st := missingStatus(e, Warn)
			return leafOutcome(st, label+" could not be determined", label+" could not be determined")
		}
		return valueOutcome(e, label, s.Value, s.Source, true)
	}
	return leafOutcome(Warn, "", "malformed check")
}

// valueOutcome compares a scalar fact and describes what was found.
func valueOutcome(e *Expr, label, val, src string, present bool) outcome {
	if !present {
		detail := label + " is not set"
		switch e.Op {
		case "unset":
			return leafOutcome(Pass, detail, "")
		case "not-has", "not-regex", "neq":
			return leafOutcome(missingStatus(e, Pass), detail, detail+"; "+e.want())
		}
		return leafOutcome(missingStatus(e, Fail), detail, detail+"; "+e.want())
	}
	detail := fmt.Sprintf("%s = %q", label, val)
	if src != "" {
		detail += " (" + src + ")"
	}
	if e.Op == "unset" {
		return leafOutcome(Fail, detail, detail+"; "+e.want())
	}
	ok, err := compare(e.Op, val, e.Value, e.Values)
	if err != nil {
		return leafOutcome(Fail, detail, detail+": "+err.Error()+"; "+e.want())
	}
	if ok {
		return leafOutcome(Pass, detail, "")
	}
	return leafOutcome(Fail, detail, detail+"; "+e.want())
}

func (f *Facts) evalSetting(c *Check, e *Expr) outcome {
	name := cmpOr(e.Component, c.component)
	comp := f.Components[name]
	label := cmpOr(e.Label, cmpOr(e.Flag, cmpOr(e.Config, e.Env)))
	if name == "" {
		return leafOutcome(Warn, "", label+": the check names no component")
	}
	if comp == nil {
		reason := f.notApplicable(name)
		return leafOutcome(NotApplicable, reason, reason)
	}
	val, src, ok := f.settingValue(comp, e.Flag, e.Config, e.Env, &e.Fact)
	if e.ValueFrom != nil {
		other := f.Components[cmpOr(e.ValueFrom.Component, name)]
		if other == nil {
			d := "no " + e.ValueFrom.Component + " on this node to compare with"
			return leafOutcome(NotApplicable, d, d)
		}
		want, _, wok := f.settingValue(other, e.ValueFrom.Flag, e.ValueFrom.Config, e.ValueFrom.Env, e.ValueFrom)
		if !wok {
			d := fmt.Sprintf("%s of %s is not set", cmpOr(e.ValueFrom.Flag, e.ValueFrom.Config), other.Name)
			return leafOutcome(NotApplicable, d, d)
		}
		resolved := *e
		resolved.Value, resolved.ValueFrom = want, nil
		e = &resolved
	}
	if ok && comp.Embedded && (src == "default" || src == "default with a config file") {
		detail := fmt.Sprintf("%s is not set explicitly; %s runs embedded in %s, whose own default is not visible", label, name, f.Flavour)
		return leafOutcome(Warn, detail, detail)
	}
	return valueOutcome(e, label, val, src, ok)
}

// paths resolves a file or tree reference: a $variable or a literal path.
func (f *Facts) paths(ref string) (candidates []string, all bool) {
	if name, ok := strings.CutPrefix(ref, "$"); ok {
		return f.candidatePaths(name), variables[name].all
	}
	return []string{ref}, false
}

func (f *Facts) evalFile(e *Expr) outcome {
	cands, all := f.paths(e.File)
	var existing []*FileInfo
	for _, p := range cands {
		if fi := f.Files[p]; fi != nil && fi.Exists {
			existing = append(existing, fi)
			if !all {
				break
			}
		}
	}
	label := cmpOr(e.Label, e.File)
	if len(existing) == 0 {
		for _, p := range cands {
			if fi := f.Files[p]; fi != nil && fi.Err != "" {
				d := fmt.Sprintf("%s: %s", p, fi.Err)
				return leafOutcome(Warn, d, d)
			}
		}
		detail := fmt.Sprintf("%s not found", label)
		if len(cands) > 0 {
			detail += " (looked at " + strings.Join(cands, ", ") + ")"
		}
		switch e.Op {
		case "not-exists":
			return leafOutcome(Pass, detail, "")
		case "exists":
			return leafOutcome(missingStatus(e, Fail), detail, detail)
		}
		return leafOutcome(missingStatus(e, NotApplicable), detail, detail)
	}
	var subs []outcome
	for _, fi := range existing {
		subs = append(subs, fileOutcome(e, fi))
	}
	return combine(subs, true)
}

func fileOutcome(e *Expr, fi *FileInfo) outcome {
	switch e.Op {
	case "exists":
		return leafOutcome(Pass, fi.Path+" exists", "")
	case "not-exists":
		d := fi.Path + " exists"
		return leafOutcome(Fail, d, d+"; "+e.want())
	case "mode":
		want, _ := parseOctal(e.Value)
		d := fmt.Sprintf("%s mode %s", fi.Path, fi.Perm())
		if modeAtMost(unixMode(fi.Mode), want) {
			return leafOutcome(Pass, d, "")
		}
		return leafOutcome(Fail, d, d+"; "+e.want())
	case "owner":
		d := fmt.Sprintf("%s owner %s", fi.Path, fi.Owner())
		if ownerMatches(fi, e) {
			return leafOutcome(Pass, d, "")
		}
		return leafOutcome(Fail, d, d+"; "+e.want())
	}
	return leafOutcome(Warn, fi.Path, "operator "+e.Op+" does not apply to a file")
}

func ownerMatches(fi *FileInfo, e *Expr) bool {
	wants := e.Values
	if e.Value != "" {
		wants = append([]string{e.Value}, wants...)
	}
	for _, w := range wants {
		u, g, _ := strings.Cut(w, ":")
		if (u == fi.User || u == fmt.Sprint(fi.UID)) && (g == "" || g == fi.Group || g == fmt.Sprint(fi.GID)) {
			return true
		}
	}
	return false
}

// maxOffenders caps the files named in one reason.
const maxOffenders = 5

func (f *Facts) evalTree(e *Expr) outcome {
	cands, _ := f.paths(e.Tree)
	label := cmpOr(e.Label, e.Tree)
	var dir string
	for _, p := range cands {
		if fi := f.Files[p]; fi != nil && fi.Exists {
			dir = p
			break
		}
	}
	if dir == "" {
		d := label + " not found"
		if len(cands) > 0 {
			d += " (looked at " + strings.Join(cands, ", ") + ")"
		}
		return leafOutcome(missingStatus(e, NotApplicable), d, d)
	}
	var judged, bad []string
	for _, fi := range f.Trees[dir] {
		if e.Glob != "" {
			if ok, _ := path.Match(e.Glob, path.Base(fi.Path)); !ok {
				continue
			}
		}
		if fi.Dir && e.Op == "mode" {
			// Directories need their x bits: modes are about files.
			continue
		}
		o := fileOutcome(e, fi)
		judged = append(judged, fi.Path)
		if o.status != Pass {
			bad = append(bad, o.details...)
		}
	}
	what := "files"
	if e.Glob != "" {
		what = e.Glob + " files"
	}
	if len(judged) == 0 {
		d := fmt.Sprintf("no %s under %s", what, dir)
		return leafOutcome(missingStatus(e, NotApplicable), d, d)
	}
	if len(bad) == 0 {
		return leafOutcome(Pass, fmt.Sprintf("%d %s under %s: all %s", len(judged), what, dir, strings.TrimPrefix(e.want(), "want ")), "")
	}
	shown := bad
	if len(shown) > maxOffenders {
		shown = append(slices.Clone(shown[:maxOffenders]), fmt.Sprintf("and %d more", len(bad)-maxOffenders))
	}
	d := fmt.Sprintf("%d of %d %s under %s: %s", len(bad), len(judged), what, dir, strings.Join(shown, ", "))
	return leafOutcome(Fail, d, d+"; "+e.want())
}

func (f *Facts) evalDoc(e *Expr) outcome {
	cands, _ := f.paths(e.Doc)
	label := cmpOr(e.Label, e.Key)
	var doc *Doc
	for _, p := range cands {
		if d := f.Docs[docKey(p, e.Format)]; d != nil && d.Exists {
			doc = d
			break
		}
	}
	if doc == nil {
		d := fmt.Sprintf("%s not found", e.Doc)
		if len(cands) > 0 && cands[0] != e.Doc {
			d += " (looked at " + strings.Join(cands, ", ") + ")"
		}
		return leafOutcome(missingStatus(e, NotApplicable), d, d)
	}
	if doc.Err != "" {
		d := fmt.Sprintf("%s could not be read: %s", doc.Path, doc.Err)
		return leafOutcome(Warn, d, d)
	}
	if e.Key == "" {
		return valueOutcome(e, cmpOr(e.Label, doc.Path), doc.Path, "", true)
	}
	v, ok := lookupKey(doc.Data, e.Key)
	if !ok {
		if e.Default != nil {
			return valueOutcome(e, label, *e.Default, "default, not set in "+doc.Path, true)
		}
		return valueOutcome(e, label+" in "+doc.Path, "", "", false)
	}
	return valueOutcome(e, label, stringify(v), doc.Path, true)
}

// docKey is the Facts.Docs key of a file read in a format.
func docKey(p, format string) string { return format + ":" + p }
