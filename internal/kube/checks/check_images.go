package checks

// Image references in pod specs (the static part of image provenance):
// images from registries outside the trusted list, judged by the same
// policy and resolution strategies as the Dockerfile base-image
// allowlist (internal/imageref); tags without digests; imagePullPolicy
// that lets a node run a stale copy of a mutable tag.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/imageref"
	"github.com/palisade-sec/palisade/internal/kube"
)

var UntrustedImage = &finding.Rule{
	ID: "PAL-K8S-010", Control: control.ImageProvenance, Severity: finding.High, Family: "trusted-registries",
	Title:       "Image not approved by the image policy",
	Doc:         "The image matches none of the approved patterns of the image policy (images.allow in .palisade.yaml) and no resolution strategy (Docker Official Images, digest pins, rewrites) accepts it: the same policy that judges Dockerfile FROM lines. Only judged when an image policy is configured.",
	Remediation: "Use an image from an approved registry (the message suggests the rewrite when one applies), or add its pattern to images.allow after review.",
	Aliases:     aliases(alias("kubescape", "C-0078")),
}

var LatestTag = &finding.Rule{
	ID: "PAL-K8S-011", Control: control.ImageProvenance, Severity: finding.Medium, Family: "tags",
	Title:       "Image uses the latest tag or no tag",
	Doc:         "latest (explicit or implied by a missing tag) changes whenever someone pushes: what runs is not what was scanned and approved, and two nodes may run different images.",
	Remediation: "Use a specific version tag, better pinned by digest (image@sha256:...).",
	Aliases:     aliases(alias("trivy", "KSV013"), alias("checkov", "CKV_K8S_14")),
}

var NoDigest = &finding.Rule{
	ID: "PAL-K8S-012", Control: control.ImageProvenance, Severity: finding.Low, Family: "tags",
	Title:       "Image not pinned by digest",
	Doc:         "A tag can be moved to another image at any time; only a digest names exactly the image that was scanned and approved.",
	Remediation: "Pin the image by digest: registry/repo:tag@sha256:... (tools such as crane digest or Renovate keep it current).",
	Aliases:     aliases(alias("checkov", "CKV_K8S_43")),
}

var StalePullPolicy = &finding.Rule{
	ID: "PAL-K8S-013", Control: control.ImageProvenance, Severity: finding.Low, Family: "tags",
	Title:       "imagePullPolicy allows a stale image",
	Doc:         "With a mutable tag and imagePullPolicy IfNotPresent or Never, a node keeps running whatever it pulled first under that tag, even after the tag was moved to a fixed image. A digest, or Always for mutable tags, avoids it.",
	Remediation: "Pin the image by digest, or set imagePullPolicy: Always.",
	Aliases:     aliases(alias("kubescape", "C-0075"), alias("checkov", "CKV_K8S_15")),
}

var InvalidImage = &finding.Rule{
	ID: "PAL-K8S-014", Control: control.ImageProvenance, Severity: finding.Medium, Family: "tags",
	Title:       "Image reference does not parse",
	Doc:         "The container's image is not a valid reference (empty, upper-case repository, bad tag or digest): the pod cannot start, and the image cannot be judged.",
	Remediation: "Fix the image reference: [registry[:port]/]repository[:tag][@sha256:digest].",
}

// images returns the compiled image policy and the official images.
func (p *Pass) images() (*imageref.Policy, imageref.OfficialSet) {
	p.shared.imagesOnce.Do(func() {
		p.shared.images, p.shared.imagesErr = imageref.Compile(p.Opts.Images)
	})
	off := p.Opts.Official
	if off.Len() == 0 {
		off = imageref.Official()
	}
	return p.shared.images, off
}

// eachImage visits every container image of every workload.
func (p *Pass) eachImage(f func(w kube.Workload, c *corev1.Container, path kube.Path, ref imageref.Ref, err error)) {
	for _, w := range p.Workloads() {
		kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
			ref, err := imageref.Parse(c.Image)
			f(w, c, w.SpecPath().Child(path...).Child("image"), ref, err)
		})
	}
}

var imageChecks = []Check{
	{Rule: UntrustedImage, Run: func(p *Pass) {
		pol, off := p.images()
		if pol == nil || !pol.Active() {
			return
		}
		p.eachImage(func(w kube.Workload, c *corev1.Container, path kube.Path, ref imageref.Ref, err error) {
			if err != nil {
				return
			}
			d := pol.Evaluate(ref, off)
			if d.Allowed {
				return
			}
			p.Report(w.Object, path, "container %q: image %s is not approved: %s", c.Name, ref.Familiar(), d.Reason)
			if d.Suggest != "" {
				(*p.out)[len(*p.out)-1].Fix = d.Suggest
			}
		})
	}},
	{Rule: LatestTag, Run: func(p *Pass) {
		p.eachImage(func(w kube.Workload, c *corev1.Container, path kube.Path, ref imageref.Ref, err error) {
			if err != nil || ref.IsPinned() || !ref.IsLatest() {
				return
			}
			if ref.HasExplicitTag() {
				p.Report(w.Object, path, "container %q uses %s: the latest tag moves with every push", c.Name, c.Image)
			} else {
				p.Report(w.Object, path, "container %q uses %s without a tag, which means latest", c.Name, c.Image)
			}
		})
	}},
	{Rule: NoDigest, Run: func(p *Pass) {
		skipLatest := p.enabled(LatestTag)
		for _, w := range p.Workloads() {
			var images []string
			var first kube.Path
			kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
				ref, err := imageref.Parse(c.Image)
				if err != nil || ref.IsPinned() || (ref.IsLatest() && skipLatest) {
					return
				}
				images = append(images, fmt.Sprintf("%q (%s)", c.Name, c.Image))
				if first == nil {
					first = w.SpecPath().Child(path...).Child("image")
				}
			})
			if len(images) > 0 {
				p.Report(w.Object, first, "container%s %s use%s a tag without a digest", plural(len(images), "", "s"), strings.Join(images, ", "), plural(len(images), "s", ""))
			}
		}
	}},
	{Rule: StalePullPolicy, Run: func(p *Pass) {
		p.eachImage(func(w kube.Workload, c *corev1.Container, path kube.Path, ref imageref.Ref, err error) {
			if err != nil || ref.IsPinned() {
				return
			}
			policy := c.ImagePullPolicy
			explicit := policy != ""
			if !explicit {
				policy = corev1.PullIfNotPresent
				if ref.IsLatest() {
					policy = corev1.PullAlways
				}
			}
			if policy == corev1.PullAlways || (!explicit && !ref.IsLatest()) {
				return
			}
			p.Report(w.Object, path[:len(path)-1].Child("imagePullPolicy"), "container %q runs the mutable tag %s with imagePullPolicy %s: nodes keep whatever they pulled first", c.Name, c.Image, policy)
		})
	}},
	{Rule: InvalidImage, Run: func(p *Pass) {
		p.eachImage(func(w kube.Workload, c *corev1.Container, path kube.Path, _ imageref.Ref, err error) {
			if err != nil {
				p.Report(w.Object, path, "container %q: %v", c.Name, err)
			}
		})
	}},
}

// enabled reports whether another rule runs in this pass.
func (p *Pass) enabled(r *finding.Rule) bool {
	if p.Opts.Enabled == nil {
		return !r.Optional
	}
	return p.Opts.Enabled(r)
}
