package checks

// Pod Security Admission labels on namespaces: every application
// namespace should enforce a level (pod-security.kubernetes.io/enforce),
// pinned to a version (…/enforce-version, not "latest", so a cluster
// upgrade does not silently change what is admitted), with valid values;
// and every workload should meet the level its namespace enforces, or
// its next pod will be rejected.

import (
	"fmt"
	"strings"

	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
)

var NoEnforceLabel = &finding.Rule{
	ID: "PAL-PSS-025", Control: control.PodSecurity, Severity: finding.Medium, Family: "admission",
	Title:       "Namespace does not enforce a Pod Security level",
	Doc:         "Without the pod-security.kubernetes.io/enforce label, Pod Security Admission admits any pod into the namespace (unless the cluster sets a default), however privileged. audit and warn labels only record or warn.",
	Remediation: "Label the namespace: pod-security.kubernetes.io/enforce=restricted (or baseline) and pod-security.kubernetes.io/enforce-version=v1.N.",
}

var EnforcePrivileged = &finding.Rule{
	ID: "PAL-PSS-026", Control: control.PodSecurity, Severity: finding.Medium, Family: "admission",
	Title:       "Namespace enforces the privileged level",
	Doc:         "pod-security.kubernetes.io/enforce=privileged admits every pod: the namespace is explicitly exempt from Pod Security.",
	Remediation: "Enforce baseline or restricted; keep privileged only for reviewed infrastructure namespaces.",
}

var UnpinnedVersion = &finding.Rule{
	ID: "PAL-PSS-027", Control: control.PodSecurity, Severity: finding.Low, Family: "admission",
	Title:       "Pod Security level not pinned to a version",
	Doc:         "Without pod-security.kubernetes.io/<mode>-version, or with latest, the policy follows the cluster's Kubernetes version: an upgrade can start rejecting pods that were admitted the day before.",
	Remediation: "Set pod-security.kubernetes.io/enforce-version (and audit-version, warn-version) to the version you tested, e.g. v1.37.",
}

var InvalidPSALabel = &finding.Rule{
	ID: "PAL-PSS-028", Control: control.PodSecurity, Severity: finding.Medium, Family: "admission",
	Title:       "Invalid Pod Security label",
	Doc:         "A Pod Security label with an unknown level or a malformed version is not what its author meant: an invalid level is read as restricted and an invalid version as latest.",
	Remediation: "Use a level of privileged, baseline or restricted and a version of latest or v1.N.",
}

var ViolatesEnforced = &finding.Rule{
	ID: "PAL-PSS-029", Control: control.PodSecurity, Severity: finding.High, Family: "admission",
	Title:       "Workload violates its namespace's enforced Pod Security level",
	Doc:         "Pod Security Admission checks pods when they are created. A controller whose template violates the namespace's enforce level cannot create new pods (a rollout or a node failure leaves it with none), and a running pod that violates it was admitted before the label was set.",
	Remediation: "Fix the pod template to meet the level (the message lists the failing checks), or, after review, lower the namespace's level.",
}

var psaModes = []string{"enforce", "audit", "warn"}

var labelChecks = []Check{
	{Rule: NoEnforceLabel, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			l := nsLabels(p.Snap, ns)
			if _, ok := l[api.EnforceLevelLabel]; ok {
				continue
			}
			var others []string
			for _, m := range psaModes[1:] {
				if v, ok := l["pod-security.kubernetes.io/"+m]; ok {
					others = append(others, m+"="+v)
				}
			}
			msg := fmt.Sprintf("namespace %s has no %s label: any pod is admitted", ns, api.EnforceLevelLabel)
			if len(others) > 0 {
				msg += fmt.Sprintf(" (it only has %s, which do not block)", strings.Join(others, ", "))
			}
			p.ReportNamespace(ns, "%s", msg)
		}
	}},
	{Rule: EnforcePrivileged, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			if nsLabels(p.Snap, ns)[api.EnforceLevelLabel] == string(api.LevelPrivileged) {
				p.ReportNamespace(ns, "namespace %s enforces the privileged Pod Security level: every pod is admitted", ns)
			}
		}
	}},
	{Rule: UnpinnedVersion, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			l := nsLabels(p.Snap, ns)
			for _, m := range psaModes {
				level, ok := l["pod-security.kubernetes.io/"+m]
				if !ok || level == string(api.LevelPrivileged) {
					continue
				}
				v, ok := l["pod-security.kubernetes.io/"+m+"-version"]
				switch {
				case !ok:
					p.ReportNamespace(ns, "namespace %s sets %s=%s without %s-version: it follows the cluster's version", ns, m, level, m)
				case v == api.VersionLatest:
					p.ReportNamespace(ns, "namespace %s sets %s-version=latest: it follows the cluster's version", ns, m)
				}
			}
		}
	}},
	{Rule: InvalidPSALabel, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			l := nsLabels(p.Snap, ns)
			for _, m := range psaModes {
				if level, ok := l["pod-security.kubernetes.io/"+m]; ok {
					if _, err := api.ParseLevel(level); err != nil {
						p.ReportNamespace(ns, "namespace %s: %s=%q is not a level (%v); Pod Security reads it as restricted", ns, m, level, err)
					}
				}
				if v, ok := l["pod-security.kubernetes.io/"+m+"-version"]; ok {
					if _, err := api.ParseVersion(v); err != nil {
						p.ReportNamespace(ns, "namespace %s: %s-version=%q is not a version (%v); Pod Security reads it as latest", ns, m, v, err)
					}
				}
			}
		}
	}},
	{Rule: ViolatesEnforced, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			ns := w.Namespace()
			if ns == "" {
				continue
			}
			l := nsLabels(p.Snap, ns)
			levelText, ok := l[api.EnforceLevelLabel]
			if !ok {
				continue
			}
			level, _ := api.ParseLevel(levelText)
			if level == api.LevelPrivileged {
				continue
			}
			version := api.LatestVersion()
			if v, ok := l[api.EnforceVersionLabel]; ok {
				version, _ = api.ParseVersion(v)
			}
			vs, err := EvaluatePod(api.LevelVersion{Level: level, Version: version}, w.Template)
			if err != nil || len(vs) == 0 {
				continue
			}
			reasons := make([]string, len(vs))
			for i, v := range vs {
				reasons[i] = v.String()
			}
			verb := "new pods of this " + w.Object.Kind() + " will be rejected"
			if w.Object.Kind() == "Pod" {
				verb = "this pod would be rejected if re-created"
			}
			p.Report(w.Object, w.SpecPath(), "namespace %s enforces %s:%s, so %s: %s",
				ns, level, versionString(version), verb, strings.Join(reasons, "; "))
		}
	}},
}

// nsLabels returns a namespace's labels, or nil when it has no object.
func nsLabels(s *kube.Snapshot, ns string) map[string]string {
	if n := s.NamespaceObject(ns); n != nil {
		return n.Labels
	}
	return nil
}
