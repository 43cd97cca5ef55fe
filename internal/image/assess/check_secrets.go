package assess

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/secret"
)

// LayerSecret is a secret found in one file of one layer.
type LayerSecret struct {
	secret.Match
	Path      string `json:"path"`
	Layer     int    `json:"layer"`
	DiffID    string `json:"diffId"`
	CreatedBy string `json:"createdBy,omitempty"`
	// Visible is true when the final file system still shows the file
	// as this layer wrote it; false when a later layer deleted or
	// replaced it.
	Visible bool `json:"visible"`
	// RemovedBy is the layer that deleted or replaced the file, when not
	// visible.
	RemovedBy int `json:"removedBy,omitempty"`
}

// LayerSecrets lists every secret in every layer, with its visibility.
func LayerSecrets(c *image.Contents) []LayerSecret {
	var out []LayerSecret
	for _, r := range c.ResultsOf(AnalyzerSecret) {
		ms, _ := r.Value.([]secret.Match)
		l := c.Layers[r.Layer]
		visible := c.View.Visible(r.Layer, r.Path)
		removedBy := 0
		if !visible {
			for _, ch := range c.View.History(r.Path) {
				if ch.Layer > r.Layer {
					removedBy = ch.Layer
					break
				}
			}
		}
		for _, m := range ms {
			out = append(out, LayerSecret{Match: m, Path: r.Path, Layer: r.Layer, DiffID: l.DiffID.String(),
				CreatedBy: RedactCommand(l.CreatedBy), Visible: visible, RemovedBy: removedBy})
		}
	}
	return out
}

// checkSecrets turns layer secrets into findings: PAL-IMG-001 for files
// the final image shows, PAL-IMG-002 for files only earlier layers hold.
// Secrets of one file in one layer make one finding, located at the
// first and counting the rest.
func checkSecrets(target string, secrets []LayerSecret) []finding.Finding {
	var out []finding.Finding
	for i := 0; i < len(secrets); {
		j := i + 1
		for j < len(secrets) && secrets[j].Path == secrets[i].Path && secrets[j].Layer == secrets[i].Layer {
			j++
		}
		s, group := secrets[i], secrets[i:j]
		i = j
		rule := SecretInFile
		where := fmt.Sprintf("layer %d (%s)", s.Layer, shortDigest(s.DiffID))
		if s.CreatedBy != "" {
			where += fmt.Sprintf(" created by %q", clipCommand(s.CreatedBy))
		}
		what := s.Title
		if len(group) > 1 {
			what = fmt.Sprintf("%s and %d more secret(s)", s.Title, len(group)-1)
		}
		msg := fmt.Sprintf("%s in /%s, added in %s; still in the final image", what, s.Path, where)
		if !s.Visible {
			rule = SecretInDeletedFile
			msg = fmt.Sprintf("%s in /%s, added in %s and removed from the file system by layer %d, but still shipped in the earlier layer", what, s.Path, where, s.RemovedBy)
		}
		f := rule.New(msg)
		f.Target = target
		f.Location = finding.Location{File: "/" + s.Path, StartLine: s.Line, EndLine: s.Line}
		f.Evidence = s.Redacted
		if rule == SecretInFile {
			// The most severe match of the file sets the severity.
			var most finding.Severity
			for _, m := range group {
				if sev, err := finding.ParseSeverity(m.Severity); err == nil && sev > most {
					most = sev
				}
			}
			if most.Valid() {
				f.Severity = most
			}
		}
		out = append(out, f)
	}
	return out
}

// checkConfigSecrets judges environment variables, labels and the build
// history of the image config.
func checkConfigSecrets(target string, cfg *v1.ConfigFile) []finding.Finding {
	var out []finding.Finding
	for _, kv := range cfg.Config.Env {
		k, v, _ := strings.Cut(kv, "=")
		for _, m := range secret.Value(k, v) {
			f := SecretInEnv.New(fmt.Sprintf("%s in environment variable %s", m.Title, k))
			f.Target, f.Evidence = target, k+"="+m.Redacted
			f.Location.File = "config:Env"
			out = append(out, f)
		}
	}
	keys := make([]string, 0, len(cfg.Config.Labels))
	for k := range cfg.Config.Labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, m := range secret.Value(k, cfg.Config.Labels[k]) {
			f := SecretInLabel.New(fmt.Sprintf("%s in label %s", m.Title, k))
			f.Target, f.Evidence = target, k+"="+m.Redacted
			f.Location.File = "config:Labels"
			out = append(out, f)
		}
	}
	for i, h := range cfg.History {
		args, rest := buildArgs(h.CreatedBy)
		var ms []secret.Match
		var what []string
		for _, a := range args {
			k, v, _ := strings.Cut(a, "=")
			for _, m := range secret.Value(k, v) {
				ms = append(ms, m)
				what = append(what, "build argument "+k)
			}
		}
		for _, m := range secret.Scan("", []byte(rest)) {
			ms = append(ms, m)
			what = append(what, "the command")
		}
		for j, m := range ms {
			f := SecretInHistory.New(fmt.Sprintf("%s in %s of history entry %d (%s)", m.Title, what[j], i, clipCommand(RedactCommand(h.CreatedBy))))
			f.Target, f.Evidence = target, m.Redacted
			f.Location.File = "config:History[" + strconv.Itoa(i) + "]"
			out = append(out, f)
		}
	}
	return out
}

// buildArgs splits BuildKit's "RUN |2 A=1 B=2 /bin/sh -c ..." (and the
// legacy builder's "|2 A=1 B=2 /bin/sh -c ...") into the build
// arguments and the rest of the command.
func buildArgs(createdBy string) (args []string, rest string) {
	s := strings.TrimPrefix(createdBy, "RUN ")
	if !strings.HasPrefix(s, "|") {
		return nil, createdBy
	}
	nStr, after, ok := strings.Cut(s[1:], " ")
	n, err := strconv.Atoi(nStr)
	if !ok || err != nil || n <= 0 {
		return nil, createdBy
	}
	for range n {
		// Values with spaces are not quoted in the history: take up to
		// the next space, as BuildKit writes them.
		var a string
		a, after, _ = strings.Cut(after, " ")
		if !strings.Contains(a, "=") {
			break
		}
		args = append(args, a)
	}
	return args, after
}

// RedactCommand makes a build history command safe to print: build
// argument values that are secrets are redacted, and a command that
// holds any other secret is cut to its first word.
func RedactCommand(createdBy string) string {
	args, rest := buildArgs(createdBy)
	if args == nil {
		if len(secret.Scan("", []byte(createdBy))) > 0 {
			first, _, _ := strings.Cut(strings.TrimSpace(createdBy), " ")
			return first + " [command withheld: it holds a secret]"
		}
		return createdBy
	}
	prefix := createdBy[:len(createdBy)-len(rest)]
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		if len(secret.Value(k, v)) > 0 {
			prefix = strings.Replace(prefix, a, k+"="+secret.Redact(v), 1)
		}
	}
	if len(secret.Scan("", []byte(rest))) > 0 {
		return strings.TrimSpace(prefix) + " [command withheld: it holds a secret]"
	}
	return prefix + rest
}

func shortDigest(d string) string {
	if _, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return d[:len(d)-len(hex)] + hex[:12]
	}
	return d
}

func clipCommand(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:117] + "..."
	}
	return s
}
