package node

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// Running the audit on every node from a kubeconfig: create the namespace
// (if missing) and a DaemonSet of its own from the same manifests `node
// manifests` prints, wait until each node's "audit" init container has
// terminated, read its log (the node's Result as JSON), and delete what
// was created, also when the context is cancelled (Ctrl-C) or the wait
// times out.

// AllNodesOptions configure AuditAllNodes.
type AllNodesOptions struct {
	Manifest ManifestOptions
	// Timeout bounds the wait for the pods (default 10 minutes).
	Timeout time.Duration
	// Poll is the interval between looks at the pods (default 2 s).
	Poll time.Duration
	// Logs reads the audit container's log of a finished pod; the
	// default asks the API server (pods/log, served by the kubelet).
	Logs func(ctx context.Context, pod *corev1.Pod) ([]byte, error)
	// Progress, when set, receives one line per change people may want
	// to see.
	Progress func(msg string)
	// Keep leaves the DaemonSet (and namespace) in place, for debugging.
	Keep bool
}

// AllNodesRun is the outcome of AuditAllNodes.
type AllNodesRun struct {
	// Results are the nodes whose audit finished and could be read.
	Results []*Result
	// Problems name, per node, why it has no result: a pod that never
	// ran or failed, a log that could not be read. Sorted by node.
	Problems []string
	// Nodes is how many nodes the cluster has.
	Nodes int
	// Cleanup says what was deleted, or what could not be.
	Cleanup []string
}

// maxLogSize bounds one pod's log.
const maxLogSize = 64 << 20

// RunnerPermissions are the rights palisade node audit --all-nodes needs,
// checked before anything is created; deploy/node-audit/runner-rbac.yaml
// grants them.
var RunnerPermissions = []authorizationv1.ResourceAttributes{
	{Verb: "list", Resource: "nodes"},
	{Verb: "get", Resource: "namespaces"},
	{Verb: "create", Group: "apps", Resource: "daemonsets", Namespace: "NS"},
	{Verb: "delete", Group: "apps", Resource: "daemonsets", Namespace: "NS"},
	{Verb: "list", Resource: "pods", Namespace: "NS"},
	{Verb: "get", Resource: "pods", Subresource: "log", Namespace: "NS"},
}

// AuditAllNodes runs palisade node audit on every node of the cluster and
// returns the results it could collect. It fails before creating
// anything when the caller lacks the rights to do it all; on timeout or
// cancellation it still cleans up and returns what it has with the
// nodes that are missing, and the error.
func AuditAllNodes(ctx context.Context, client kubernetes.Interface, o AllNodesOptions) (*AllNodesRun, error) {
	o.Timeout = cmp0(o.Timeout, 10*time.Minute)
	o.Poll = cmp0(o.Poll, 2*time.Second)
	if o.Logs == nil {
		o.Logs = func(ctx context.Context, pod *corev1.Pod) ([]byte, error) {
			return apiServerLogs(ctx, client, pod)
		}
	}
	progress := func(format string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, a...))
		}
	}
	m := o.Manifest.withDefaults()
	if o.Manifest.Name == "" {
		m.Name = "palisade-node-audit-" + randomSuffix()
	}
	ns, ds, err := manifestObjects(m)
	if err != nil {
		return nil, err
	}
	run := &AllNodesRun{}

	nsExists := true
	existing, err := client.CoreV1().Namespaces().Get(ctx, m.Namespace, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		nsExists = false
	case apierrors.IsForbidden(err):
		// Say everything that is missing, not just this.
		if perr := checkPermissions(ctx, client, m.Namespace, false); perr != nil {
			return nil, perr
		}
		return nil, fmt.Errorf("reading namespace %s: %w", m.Namespace, err)
	case err != nil:
		return nil, fmt.Errorf("reading namespace %s: %w", m.Namespace, err)
	default:
		if level := existing.Labels["pod-security.kubernetes.io/enforce"]; level != "" && level != "privileged" {
			return nil, fmt.Errorf("namespace %s enforces the %s Pod Security level: the audit pods need privileged (a read-only hostPath of /, hostPID and hostNetwork); choose another namespace with --namespace, or label this one pod-security.kubernetes.io/enforce=privileged", m.Namespace, level)
		}
	}
	if err := checkPermissions(ctx, client, m.Namespace, !nsExists); err != nil {
		return nil, err
	}
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	if len(nodes.Items) == 0 {
		return nil, errors.New("the cluster has no nodes to audit")
	}
	run.Nodes = len(nodes.Items)

	// From here on, whatever happens, delete what was created.
	cleanupCtx := context.WithoutCancel(ctx)
	if !nsExists {
		if _, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("creating namespace %s: %w", m.Namespace, err)
		}
		progress("created namespace %s", m.Namespace)
	}
	defer func() {
		if o.Keep {
			run.Cleanup = append(run.Cleanup, fmt.Sprintf("kept daemonset %s/%s (--keep)", m.Namespace, m.Name))
			return
		}
		run.Cleanup = cleanup(cleanupCtx, client, m, !nsExists)
		for _, c := range run.Cleanup {
			progress("%s", c)
		}
	}()
	if _, err := client.AppsV1().DaemonSets(m.Namespace).Create(ctx, ds, metav1.CreateOptions{}); err != nil {
		return run, fmt.Errorf("creating daemonset %s/%s: %w", m.Namespace, m.Name, err)
	}
	progress("created daemonset %s/%s for %d node(s); waiting up to %s", m.Namespace, m.Name, run.Nodes, o.Timeout)

	wctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	finished := map[string]*corev1.Pod{}
	pending := map[string]string{}
	for _, n := range nodes.Items {
		pending[n.Name] = fmt.Sprintf("node %s: its audit pod could not be listed", n.Name)
	}
	for {
		pods, err := client.CoreV1().Pods(m.Namespace).List(wctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=" + m.Name})
		if err == nil {
			pending = map[string]string{}
			byNode := map[string][]*corev1.Pod{}
			for i := range pods.Items {
				p := &pods.Items[i]
				if n := podNode(p); n != "" {
					byNode[n] = append(byNode[n], p)
				}
			}
			for _, n := range nodes.Items {
				if finished[n.Name] != nil {
					continue
				}
				ps := byNode[n.Name]
				if len(ps) == 0 {
					pending[n.Name] = fmt.Sprintf("node %s: no audit pod was created for it (is the DaemonSet controller running? is the node's pod limit reached?)", n.Name)
					continue
				}
				p := ps[len(ps)-1]
				if auditTerminated(p) != nil {
					finished[n.Name] = p
					progress("node %s: audit finished", n.Name)
					continue
				}
				pending[n.Name] = fmt.Sprintf("node %s: pod %s/%s never ran the audit (%s)", n.Name, p.Namespace, p.Name, podState(p))
			}
			if len(pending) == 0 {
				break
			}
		} else if wctx.Err() == nil {
			progress("listing pods: %v", err)
		}
		select {
		case <-wctx.Done():
		case <-time.After(o.Poll):
			continue
		}
		break
	}

	for _, n := range nodes.Items {
		p := finished[n.Name]
		if p == nil {
			continue
		}
		res, problem := collectNode(cleanupCtx, o, n.Name, p)
		if problem != "" {
			run.Problems = append(run.Problems, problem)
			continue
		}
		run.Results = append(run.Results, res...)
	}
	for _, n := range nodes.Items {
		if msg, ok := pending[n.Name]; ok && finished[n.Name] == nil {
			run.Problems = append(run.Problems, msg)
		}
	}
	slices.Sort(run.Problems)
	switch {
	case ctx.Err() != nil:
		return run, fmt.Errorf("interrupted while waiting for the audit pods: %w", ctx.Err())
	case len(pending) > 0 && wctx.Err() != nil:
		hint := "rerun with --keep to inspect the DaemonSet and its pods"
		if o.Keep {
			hint = fmt.Sprintf("kubectl -n %s describe daemonset %s", m.Namespace, m.Name)
		}
		return run, fmt.Errorf("timed out after %s waiting for the audit on %d of %d node(s): %s (%s)", o.Timeout, len(pending), run.Nodes, strings.Join(sortedValues(pending), "; "), hint)
	}
	return run, nil
}

// collectNode reads a finished pod's log and decodes the node's result.
func collectNode(ctx context.Context, o AllNodesOptions, nodeName string, p *corev1.Pod) ([]*Result, string) {
	term := auditTerminated(p)
	logs, err := o.Logs(ctx, p)
	if err != nil {
		return nil, fmt.Sprintf("node %s: reading the log of pod %s/%s: %v", nodeName, p.Namespace, p.Name, err)
	}
	if term.ExitCode != 0 {
		return nil, fmt.Sprintf("node %s: the audit in pod %s/%s exited %d (%s): %s", nodeName, p.Namespace, p.Name, term.ExitCode, term.Reason, lastLines(logs, 5))
	}
	rs, err := DecodeResults(bytes.NewReader(logs))
	if err != nil {
		return nil, fmt.Sprintf("node %s: the log of pod %s/%s holds no result: %v", nodeName, p.Namespace, p.Name, err)
	}
	return rs, ""
}

// cleanup deletes the DaemonSet, and the namespace if it was created.
func cleanup(ctx context.Context, client kubernetes.Interface, m ManifestOptions, namespace bool) []string {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out []string
	bg := metav1.DeletePropagationBackground
	err := client.AppsV1().DaemonSets(m.Namespace).Delete(ctx, m.Name, metav1.DeleteOptions{PropagationPolicy: &bg})
	switch {
	case err == nil || apierrors.IsNotFound(err):
		out = append(out, fmt.Sprintf("deleted daemonset %s/%s", m.Namespace, m.Name))
	default:
		out = append(out, fmt.Sprintf("could not delete daemonset %s/%s: %v (kubectl -n %s delete daemonset %s)", m.Namespace, m.Name, err, m.Namespace, m.Name))
	}
	if namespace {
		err := client.CoreV1().Namespaces().Delete(ctx, m.Namespace, metav1.DeleteOptions{})
		switch {
		case err == nil || apierrors.IsNotFound(err):
			out = append(out, fmt.Sprintf("deleted namespace %s", m.Namespace))
		default:
			out = append(out, fmt.Sprintf("could not delete namespace %s: %v (kubectl delete namespace %s)", m.Namespace, err, m.Namespace))
		}
	}
	return out
}

// checkPermissions asks the API server whether the caller may do every
// step, and names what is missing.
func checkPermissions(ctx context.Context, client kubernetes.Interface, ns string, createNamespace bool) error {
	perms := slices.Clone(RunnerPermissions)
	if createNamespace {
		perms = append(perms, authorizationv1.ResourceAttributes{Verb: "create", Resource: "namespaces"}, authorizationv1.ResourceAttributes{Verb: "delete", Resource: "namespaces", Name: ns})
	}
	var missing []string
	for _, p := range perms {
		if p.Namespace == "NS" {
			p.Namespace = ns
		}
		attrs := p
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &attrs}}
		got, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("asking the API server what this user may do: %w", err)
		}
		if !got.Status.Allowed {
			missing = append(missing, describePerm(p))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("this user may not %s: grant the ClusterRole in deploy/node-audit/runner-rbac.yaml (palisade node manifests --rbac), or use a namespace that exists", strings.Join(missing, ", "))
	}
	return nil
}

func describePerm(p authorizationv1.ResourceAttributes) string {
	r := p.Resource
	if p.Group != "" {
		r += "." + p.Group
	}
	if p.Subresource != "" {
		r += "/" + p.Subresource
	}
	s := p.Verb + " " + r
	if p.Namespace != "" {
		s += " in namespace " + p.Namespace
	}
	return s
}

// manifestObjects decodes the generated manifest into its objects.
func manifestObjects(m ManifestOptions) (*corev1.Namespace, *appsv1.DaemonSet, error) {
	text, err := DaemonSetManifest(m)
	if err != nil {
		return nil, nil, err
	}
	docs := strings.Split(text, "\n---\n")
	if len(docs) != 2 {
		return nil, nil, fmt.Errorf("the node-audit manifest has %d documents, want 2", len(docs))
	}
	ns := &corev1.Namespace{}
	ds := &appsv1.DaemonSet{}
	if err := yaml.UnmarshalStrict([]byte(docs[0]), ns); err != nil {
		return nil, nil, fmt.Errorf("the node-audit namespace manifest: %w", err)
	}
	if err := yaml.UnmarshalStrict([]byte(docs[1]), ds); err != nil {
		return nil, nil, fmt.Errorf("the node-audit daemonset manifest: %w", err)
	}
	return ns, ds, nil
}

// podNode is the node a DaemonSet pod is for: its nodeName once bound,
// else the node its required affinity names.
func podNode(p *corev1.Pod) string {
	if p.Spec.NodeName != "" {
		return p.Spec.NodeName
	}
	a := p.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return ""
	}
	for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
		for _, f := range t.MatchFields {
			if f.Key == "metadata.name" && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
				return f.Values[0]
			}
		}
	}
	return ""
}

// auditTerminated returns the terminated state of the pod's audit
// container, or nil while it has not finished.
func auditTerminated(p *corev1.Pod) *corev1.ContainerStateTerminated {
	for _, s := range p.Status.InitContainerStatuses {
		if s.Name == "audit" && s.State.Terminated != nil {
			return s.State.Terminated
		}
	}
	for _, s := range p.Status.ContainerStatuses {
		if s.Name == "audit" && s.State.Terminated != nil {
			return s.State.Terminated
		}
	}
	return nil
}

// podState says why a pod has not run its audit, for the timeout message.
func podState(p *corev1.Pod) string {
	parts := []string{string(cmpOr(p.Status.Phase, corev1.PodPending))}
	if p.Spec.NodeName == "" {
		parts = append(parts, "not scheduled")
	}
	for _, s := range slices.Concat(p.Status.InitContainerStatuses, p.Status.ContainerStatuses) {
		if w := s.State.Waiting; w != nil && w.Reason != "" {
			parts = append(parts, s.Name+" "+w.Reason)
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Status == corev1.ConditionFalse && c.Message != "" {
			parts = append(parts, c.Message)
		}
	}
	if len(p.Status.InitContainerStatuses) == 0 && p.Spec.NodeName != "" {
		parts = append(parts, "no container status: is the kubelet on the node running?")
	}
	return strings.Join(parts, ", ")
}

// apiServerLogs reads the audit container's log through the API server.
func apiServerLogs(ctx context.Context, client kubernetes.Interface, p *corev1.Pod) ([]byte, error) {
	limit := int64(maxLogSize + 1)
	rc, err := client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: "audit", LimitBytes: &limit}).Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, err
	}
	if len(data) > maxLogSize {
		return nil, fmt.Errorf("log larger than %d MiB", maxLogSize>>20)
	}
	return data, nil
}

func lastLines(data []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func sortedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

func cmp0(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// randomSuffix names one run's DaemonSet.
func randomSuffix() string {
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}
