package upgrade

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/palisade-sec/palisade/internal/kube"
)

// RequestedDeprecated is one deprecated API the API server has served
// since it started (see kube.DeprecatedRequest).
type RequestedDeprecated = kube.DeprecatedRequest

const deprecatedMetric = "apiserver_requested_deprecated_apis"

// ParseDeprecatedMetric reads the apiserver_requested_deprecated_apis
// samples of a Prometheus text exposition.
func ParseDeprecatedMetric(data []byte) ([]RequestedDeprecated, error) {
	var out []RequestedDeprecated
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, deprecatedMetric+"{")
		if !ok {
			continue
		}
		end := strings.LastIndexByte(rest, '}')
		if end < 0 {
			return nil, fmt.Errorf("malformed sample: %.80s", line)
		}
		labels, err := parseLabels(rest[:end])
		if err != nil {
			return nil, fmt.Errorf("malformed sample: %.80s: %v", line, err)
		}
		if v := strings.TrimSpace(rest[end+1:]); v == "0" || strings.HasPrefix(v, "0 ") {
			continue
		}
		out = append(out, RequestedDeprecated{Group: labels["group"], Version: labels["version"], Resource: labels["resource"],
			Subresource: labels["subresource"], RemovedRelease: labels["removed_release"]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b RequestedDeprecated) int {
		return strings.Compare(a.GroupVersion()+"/"+a.Resource+"/"+a.Subresource, b.GroupVersion()+"/"+b.Resource+"/"+b.Subresource)
	})
	return slices.Compact(out), nil
}

// parseLabels reads `a="x",b="y\"z"`.
func parseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), ",")) {
		name, rest, ok := strings.Cut(s, "=")
		if !ok || !strings.HasPrefix(rest, `"`) {
			return nil, fmt.Errorf("label %q has no quoted value", name)
		}
		var val strings.Builder
		i := 1
		for ; i < len(rest); i++ {
			c := rest[i]
			if c == '\\' && i+1 < len(rest) {
				i++
				switch rest[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(rest[i])
				}
				continue
			}
			if c == '"' {
				break
			}
			val.WriteByte(c)
		}
		if i >= len(rest) {
			return nil, fmt.Errorf("label %q is not terminated", name)
		}
		out[strings.TrimSpace(name)] = val.String()
		s = rest[i+1:]
	}
	return out, nil
}

// maxMetrics bounds the /metrics response read.
const maxMetrics = 64 << 20

// FetchDeprecated reads the deprecated APIs requested from an API
// server's /metrics (which needs get on the non-resource URL /metrics).
func FetchDeprecated(ctx context.Context, cfg *rest.Config) ([]RequestedDeprecated, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	body, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").Stream(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading /metrics (needs get on the non-resource URL /metrics): %w", err)
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, maxMetrics+1))
	if err != nil {
		return nil, fmt.Errorf("reading /metrics: %w", err)
	}
	if len(data) > maxMetrics {
		// Keep whole lines: the last one is cut.
		data = data[:bytes.LastIndexByte(data[:maxMetrics], '\n')+1]
	}
	return ParseDeprecatedMetric(data)
}
