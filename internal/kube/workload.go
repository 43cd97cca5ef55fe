package kube

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	corev1 "k8s.io/api/core/v1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Workload is a pod, or the pod template of a controller, judged as a
// pod. Findings on it name Object, the owning object.
type Workload struct {
	Object *Object
	// Template is the pod's metadata and spec. For a Pod it is built from
	// the Pod itself.
	Template *corev1.PodTemplateSpec
	// Path is the field path of the template in Object: "spec.template"
	// for a Deployment, "spec.jobTemplate.spec.template" for a CronJob,
	// empty for a Pod (whose metadata and spec are at the top).
	Path Path
}

// Namespace is the workload's namespace.
func (w *Workload) Namespace() string { return w.Object.Namespace() }

// Spec is the pod spec.
func (w *Workload) Spec() *corev1.PodSpec { return &w.Template.Spec }

// SpecPath is the field path of the pod spec.
func (w *Workload) SpecPath() Path { return w.Path.Child("spec") }

// MetaPath is the field path of the pod metadata.
func (w *Workload) MetaPath() Path { return w.Path.Child("metadata") }

var (
	templatePath        = Path{"spec", "template"}
	cronJobTemplatePath = Path{"spec", "jobTemplate", "spec", "template"}
)

// PodTemplate returns the pod template of a workload object of any API
// version the scheme knows (Pod, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, ReplicationController, Job, CronJob, PodTemplate), and the
// field path of the template.
func PodTemplate(o *Object) (*corev1.PodTemplateSpec, Path, bool) {
	switch t := o.Typed.(type) {
	case *corev1.Pod:
		return &corev1.PodTemplateSpec{ObjectMeta: t.ObjectMeta, Spec: t.Spec}, Path{}, true
	case *corev1.PodTemplate:
		return &t.Template, Path{"template"}, true
	case *corev1.ReplicationController:
		if t.Spec.Template == nil {
			return nil, nil, false
		}
		return t.Spec.Template, templatePath, true
	case *appsv1.Deployment:
		return &t.Spec.Template, templatePath, true
	case *appsv1.StatefulSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1.DaemonSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1.ReplicaSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta1.Deployment:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta1.StatefulSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta2.Deployment:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta2.StatefulSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta2.DaemonSet:
		return &t.Spec.Template, templatePath, true
	case *appsv1beta2.ReplicaSet:
		return &t.Spec.Template, templatePath, true
	case *extensionsv1beta1.Deployment:
		return &t.Spec.Template, templatePath, true
	case *extensionsv1beta1.DaemonSet:
		return &t.Spec.Template, templatePath, true
	case *extensionsv1beta1.ReplicaSet:
		return &t.Spec.Template, templatePath, true
	case *batchv1.Job:
		return &t.Spec.Template, templatePath, true
	case *batchv1.CronJob:
		return &t.Spec.JobTemplate.Spec.Template, cronJobTemplatePath, true
	case *batchv1beta1.CronJob:
		return &t.Spec.JobTemplate.Spec.Template, cronJobTemplatePath, true
	}
	return nil, nil, false
}

// Workloads returns every pod and pod template in the snapshot, in load
// order. A Pod, ReplicaSet or Job whose controlling owner is itself in
// the snapshot is left out: its owner is judged instead, so one problem
// is reported once, on the object a user edits.
func (s *Snapshot) Workloads() []Workload {
	var out []Workload
	for _, o := range s.Objects {
		tpl, path, ok := PodTemplate(o)
		if !ok {
			continue
		}
		if s.ownerPresent(o) {
			continue
		}
		out = append(out, Workload{Object: o, Template: tpl, Path: path})
	}
	return out
}

// ownerPresent reports whether o's controlling owner is in the snapshot.
func (s *Snapshot) ownerPresent(o *Object) bool {
	ref := metav1.GetControllerOfNoCopy(&o.Meta)
	if ref == nil {
		return false
	}
	if ref.Kind == "Node" {
		// Static (mirror) pods are owned by their node: judge them.
		return false
	}
	group, _, _ := strings.Cut(ref.APIVersion, "/")
	if !strings.Contains(ref.APIVersion, "/") {
		group = ""
	}
	return s.Get(group, ref.Kind, o.Namespace(), ref.Name) != nil
}

// Containers visits every container of a pod spec (init, regular and
// ephemeral) with its field path relative to the pod spec, the way the
// Pod Security Admission visitor does, so no check misses a kind.
func Containers(spec *corev1.PodSpec, visit func(c *corev1.Container, path Path)) {
	for i := range spec.InitContainers {
		visit(&spec.InitContainers[i], Path{}.Index("initContainers", i))
	}
	for i := range spec.Containers {
		visit(&spec.Containers[i], Path{}.Index("containers", i))
	}
	for i := range spec.EphemeralContainers {
		c := corev1.Container(spec.EphemeralContainers[i].EphemeralContainerCommon)
		visit(&c, Path{}.Index("ephemeralContainers", i))
	}
}
