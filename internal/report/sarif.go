package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// SARIF 2.1.0 output, shaped for GitHub code scanning.
//
// Choices a reader of the output should know about:
//
//   - One run; its driver lists every rule that has a finding or a
//     suppressed finding, sorted by ID, and results point at them by
//     ruleIndex. A rule missing from Report.Rules is described from its
//     findings (title and severity) so that every ruleIndex resolves.
//   - A location's file is written as a URI reference with forward
//     slashes. A relative path gets uriBaseId "%SRCROOT%" (the checkout
//     root in GitHub code scanning); an absolute path becomes a file:// URI.
//   - A finding on something that is not a file (an image, a cluster, a
//     node, a Kubernetes object: a target whose Kind is in nonFileKinds,
//     or a finding without a file) still needs a location, because GitHub
//     rejects results without one. Its artifact URI is the target name,
//     percent-encoded so that it is a valid relative reference (a colon
//     in the first segment, as in "alpine:3.19", is written %3A so it is
//     not read as a URI scheme). For such targets a file inside them (a
//     path in an image layer) is appended: "nginx%3A1.25/etc/passwd".
//   - A region is written only for a known line: SARIF requires
//     startLine >= 1, and an unknown line is 0 in palisade.
//   - partialFingerprints["palisade/v1"] hashes rule ID, target, file,
//     start line and message, so GitHub matches an alert across runs.
//   - Suppressed findings are results with an external suppression whose
//     justification is the ignore's reason and whose source is a property.
//   - Report errors are tool execution notifications of the one
//     invocation, which still counts as successful: a scan with errors
//     produced a partial, not a failed, result.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	srcRoot      = "%SRCROOT%"
	// fingerprintKey names palisade's fingerprint; bump its version if the
	// hashed fields change, so old and new alerts are not confused.
	fingerprintKey = "palisade/v1"
)

// nonFileKinds are Target.Kind values that name something other than a
// file of the scanned source tree: images (whatever their source: a
// registry, an archive, an OCI layout, an unpacked root file system),
// clusters and their objects, hosts. Findings on them get the target name
// as their artifact URI; a file they carry is a path inside the target and
// is appended to it.
var nonFileKinds = map[string]bool{
	"image":    true,
	"registry": true,
	"archive":  true,
	"oci":      true,
	"rootfs":   true,
	"cluster":  true,
	"object":   true,
	"node":     true,
	"host":     true,
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name,omitempty"`
	ShortDescription     sarifText           `json:"shortDescription"`
	FullDescription      *sarifText          `json:"fullDescription,omitempty"`
	Help                 *sarifHelp          `json:"help,omitempty"`
	DefaultConfiguration sarifRuleConfig     `json:"defaultConfiguration"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	SecuritySeverity string   `json:"security-severity"`
	Severity         string   `json:"severity"`
	Control          string   `json:"control"`
	Tags             []string `json:"tags"`
	Aliases          []string `json:"aliases,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifSuppress struct {
	Kind          string            `json:"kind"`
	Justification string            `json:"justification,omitempty"`
	Properties    map[string]string `json:"properties,omitempty"`
}

type sarifResultProps struct {
	Control  string `json:"control"`
	Severity string `json:"severity"`
	Target   string `json:"target"`
}

type sarifLocation struct {
	ID               *int             `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLoc `json:"physicalLocation"`
}

type sarifPhysicalLoc struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
	EndLine   int `json:"endLine,omitempty"`
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	case finding.Low, finding.Info:
		return "note"
	}
	return "warning"
}

// securitySeverity is the CVSS-like score GitHub reads from a rule's
// "security-severity" property to rank alerts.
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.5"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	case finding.Low:
		return "3.0"
	case finding.Info:
		return "1.0"
	}
	return "5.5"
}

func writeSARIF(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(buildSARIF(r)); err != nil {
		return fmt.Errorf("writing sarif: %w", err)
	}
	return nil
}

func buildSARIF(r *Report) sarifLog {
	kinds := map[string]string{}
	for _, t := range r.Targets {
		kinds[t.Name] = t.Kind
	}
	rules, index := sarifRules(r)

	var results []sarifResult
	for _, f := range r.Findings {
		results = append(results, sarifResultOf(f, index, kinds))
	}
	for _, s := range r.Suppressed {
		res := sarifResultOf(s.Finding, index, kinds)
		sup := sarifSuppress{Kind: "external", Justification: s.Reason}
		if s.Source != "" {
			sup.Properties = map[string]string{"source": s.Source}
		}
		res.Suppressions = []sarifSuppress{sup}
		results = append(results, res)
	}
	if results == nil {
		results = []sarifResult{}
	}

	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: nonEmpty(e.Message, "error")}}
		if e.Target != "" {
			n.Message.Text = e.Target + ": " + n.Message.Text
			n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLoc{
				ArtifactLocation: artifactFor(e.Target, "", kinds[e.Target]),
			}}}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}

	return sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           nonEmpty(r.Tool.Name, "palisade"),
				Version:        r.Tool.Version,
				InformationURI: absoluteOrEmpty(r.Tool.URI),
				Rules:          rules,
			}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
		}},
	}
}

// sarifRules describes every rule referenced by a finding or suppressed
// finding, sorted by ID, and returns the index of each ID.
func sarifRules(r *Report) ([]sarifRule, map[string]int) {
	byID := map[string]*finding.Rule{}
	for _, rule := range r.Rules {
		if rule != nil {
			byID[rule.ID] = rule
		}
	}
	// A rule the report has no metadata for is described from its first
	// finding, so that every result's ruleIndex resolves.
	all := append(slices.Clone(r.Findings), suppressedFindings(r)...)
	for _, f := range all {
		if _, ok := byID[f.RuleID]; !ok {
			byID[f.RuleID] = &finding.Rule{ID: f.RuleID, Control: f.Control, Severity: f.Severity, Title: f.Title, Remediation: f.Remediation}
		}
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)

	rules := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		rules = append(rules, sarifRuleOf(byID[id]))
	}
	return rules, index
}

func suppressedFindings(r *Report) []finding.Finding {
	out := make([]finding.Finding, 0, len(r.Suppressed))
	for _, s := range r.Suppressed {
		out = append(out, s.Finding)
	}
	return out
}

func sarifRuleOf(rule *finding.Rule) sarifRule {
	title := nonEmpty(rule.Title, rule.ID)
	sr := sarifRule{
		ID:                   rule.ID,
		Name:                 pascalCase(title),
		ShortDescription:     sarifText{Text: title},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
		Properties: sarifRuleProperties{
			SecuritySeverity: securitySeverity(rule.Severity),
			Severity:         rule.Severity.String(),
			Control:          string(rule.Control),
			Tags:             ruleTags(rule),
		},
	}
	for _, a := range rule.Aliases {
		sr.Properties.Aliases = append(sr.Properties.Aliases, a.String())
	}
	if rule.Doc != "" {
		sr.FullDescription = &sarifText{Text: rule.Doc}
	}
	sr.Help = ruleHelp(rule)
	return sr
}

// ruleTags are GitHub's filterable tags: "security" marks the rule as a
// security query, then the control and the rule family.
func ruleTags(rule *finding.Rule) []string {
	tags := []string{"security"}
	if rule.Control != "" {
		tags = append(tags, string(rule.Control))
	}
	if rule.Family != "" && !slices.Contains(tags, rule.Family) {
		tags = append(tags, rule.Family)
	}
	return tags
}

// ruleHelp renders the rule's doc, remediation and the equivalent rules
// of other tools, as plain text and as Markdown.
func ruleHelp(rule *finding.Rule) *sarifHelp {
	var text, md []string
	if rule.Doc != "" {
		text = append(text, rule.Doc)
		md = append(md, rule.Doc)
	}
	if rule.Remediation != "" {
		text = append(text, "Remediation: "+rule.Remediation)
		md = append(md, "**Remediation:** "+rule.Remediation)
	}
	if len(rule.Aliases) > 0 {
		var plain, code []string
		for _, a := range rule.Aliases {
			plain = append(plain, a.String())
			code = append(code, "`"+a.String()+"`")
		}
		text = append(text, "Equivalent rules in other tools: "+strings.Join(plain, ", "))
		md = append(md, "**Equivalent rules in other tools:** "+strings.Join(code, ", "))
	}
	if c, ok := control.Lookup(rule.Control); ok {
		text = append(text, fmt.Sprintf("Control: %s (%s, %s/%s)", c.ID, c.Name, c.Layer, c.Phase))
		md = append(md, fmt.Sprintf("**Control:** `%s` (%s, %s/%s)", c.ID, c.Name, c.Layer, c.Phase))
	}
	if len(text) == 0 {
		return nil
	}
	return &sarifHelp{Text: strings.Join(text, "\n\n"), Markdown: strings.Join(md, "\n\n")}
}

func sarifResultOf(f finding.Finding, index map[string]int, kinds map[string]string) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		RuleIndex: index[f.RuleID],
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: sarifMessage(nonEmpty(f.Message, nonEmpty(f.Title, f.RuleID)))},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLoc{
			ArtifactLocation: artifactFor(f.Target, f.Location.File, kinds[f.Target]),
			Region:           regionOf(f.Location),
		}}},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
		Properties: sarifResultProps{
			Control:  string(f.Control),
			Severity: f.Severity.String(),
			Target:   f.Target,
		},
	}
	for _, rel := range f.Related {
		if rel.File == "" {
			continue
		}
		id := len(res.RelatedLocations) + 1
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID: &id,
			PhysicalLocation: sarifPhysicalLoc{
				ArtifactLocation: artifactFor(f.Target, rel.File, kinds[f.Target]),
				Region:           regionOf(rel),
			},
		})
	}
	return res
}

// regionOf returns nil for an unknown line: SARIF requires startLine >= 1.
func regionOf(l finding.Location) *sarifRegion {
	if l.StartLine < 1 {
		return nil
	}
	reg := &sarifRegion{StartLine: l.StartLine}
	if l.EndLine >= l.StartLine {
		reg.EndLine = l.EndLine
	}
	return reg
}

// fingerprint is a stable hash of what identifies a finding. GitHub uses
// it to recognise the same alert in the next run.
func fingerprint(f finding.Finding) string {
	h := sha256.New()
	for _, part := range []string{f.RuleID, f.Target, f.Location.File, strconv.Itoa(f.Location.StartLine), f.Message} {
		io.WriteString(h, part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// artifactFor chooses the artifact location of a finding: its file when
// the target is part of the source tree, otherwise the target name (with
// the file inside the target appended, if any).
func artifactFor(target, file, kind string) sarifArtifactLoc {
	if nonFileKinds[kind] {
		p := toSlash(nonEmpty(target, "unknown-target"))
		if file != "" && file != target {
			p = strings.TrimSuffix(p, "/") + "/" + strings.TrimLeft(toSlash(file), "/")
		}
		// The name of an image or a cluster object is not a local path:
		// always write it as a reference relative to the source root.
		return sarifArtifactLoc{URI: relativeURI(strings.TrimLeft(p, "/")), URIBaseID: srcRoot}
	}
	p := toSlash(nonEmpty(file, nonEmpty(target, "unknown-target")))
	if abs, ok := absoluteURI(p); ok {
		return sarifArtifactLoc{URI: abs}
	}
	return sarifArtifactLoc{URI: relativeURI(p), URIBaseID: srcRoot}
}

// toSlash turns backslashes into forward slashes whatever the host OS,
// since findings may describe Windows paths.
func toSlash(p string) string { return strings.ReplaceAll(p, `\`, "/") }

// absoluteURI makes a file:// URI of an absolute path: "/a/b" or "C:/a/b".
func absoluteURI(p string) (string, bool) {
	switch {
	case strings.HasPrefix(p, "/"):
		return "file://" + escapePath(p, false), true
	case len(p) >= 3 && p[1] == ':' && p[2] == '/' && isASCIILetter(p[0]):
		return "file:///" + p[:2] + escapePath(p[2:], false), true
	}
	return "", false
}

func isASCIILetter(b byte) bool { return ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') }

// relativeURI encodes a relative path as a URI reference, dropping a
// leading "./" and escaping a colon in the first segment.
func relativeURI(p string) string {
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	if p == "" {
		p = "."
	}
	return escapePath(p, true)
}

// escapePath percent-encodes every byte that may not appear literally in
// a URI path (RFC 3986 pchar plus "/"), including all non-ASCII bytes, so
// that any input, even invalid UTF-8, yields a valid URI reference.
func escapePath(p string, relative bool) string {
	var b strings.Builder
	firstSegment := relative
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			firstSegment = false
			b.WriteByte(c)
		case c == ':' && firstSegment:
			b.WriteString("%3A")
		case isPathChar(c):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// isPathChar reports RFC 3986 unreserved, sub-delims, ":" and "@".
func isPathChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0
}

// sarifMessage keeps message text from being read as SARIF embedded links
// ("[text](target)", spec 3.11.6). Only a text that contains "](" is
// changed: its brackets, and backslashes before them, are escaped.
func sarifMessage(s string) string {
	if !strings.Contains(s, "](") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '[' || c == ']':
			b.WriteByte('\\')
		case c == '\\' && i+1 < len(s) && (s[i+1] == '[' || s[i+1] == ']'):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// pascalCase makes a SARIF rule name from a title:
// "Image uses the latest tag" becomes "ImageUsesTheLatestTag".
func pascalCase(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// absoluteOrEmpty drops a URI that SARIF's "uri" format would refuse.
func absoluteOrEmpty(s string) string {
	if u, err := url.Parse(s); err != nil || !u.IsAbs() || strings.ContainsAny(s, " \\") {
		return ""
	}
	return s
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
