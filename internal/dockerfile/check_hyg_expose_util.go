package dockerfile

// Parsing of EXPOSE port specifications, shared by the EXPOSE rules.

import (
	"strconv"
	"strings"
)

// hygPortSpec is one EXPOSE argument: [ip:][hostPort:]containerPort[/proto].
type hygPortSpec struct {
	Raw        string
	IP, Host   string
	Start, End int // container port range; -1 when not a number
	Proto      string
	Unresolved bool // contains a variable without a known value
	NotANumber bool
	OutOfRange bool
	Container  string
	ProtoRaw   string
}

// hygExposedPorts parses the ports of an EXPOSE, expanding variables whose
// values are known statically.
func hygExposedPorts(f *File, in *Instruction) []hygPortSpec {
	var out []hygPortSpec
	for _, raw := range in.Args() {
		word := raw
		ps := hygPortSpec{Raw: raw}
		if strings.Contains(raw, "$") {
			v, ok := f.ScopeAt(in).Expand(raw)
			if !ok {
				ps.Unresolved = true
				out = append(out, ps)
				continue
			}
			word = v
		} else {
			word = hygUnquoteWord(f, raw)
		}
		for _, w := range strings.Fields(word) {
			out = append(out, hygParsePortSpec(raw, w))
		}
	}
	return out
}

func hygParsePortSpec(raw, w string) hygPortSpec {
	ps := hygPortSpec{Raw: raw, Start: -1, End: -1}
	rest := w
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		ps.ProtoRaw = rest[i+1:]
		ps.Proto = strings.ToLower(ps.ProtoRaw)
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		hostPart := rest[:i]
		rest = rest[i+1:]
		if j := strings.LastIndexByte(hostPart, ':'); j >= 0 && !strings.HasSuffix(hostPart, "]") {
			ps.IP, ps.Host = hostPart[:j], hostPart[j+1:]
		} else if strings.Contains(hostPart, ".") || strings.HasPrefix(hostPart, "[") {
			ps.IP = hostPart
		} else {
			ps.Host = hostPart
		}
		if ps.IP == "" && ps.Host == "" {
			ps.Host = hostPart
		}
	}
	ps.Container = rest
	lo, hi, isRange := strings.Cut(rest, "-")
	a, err1 := strconv.Atoi(lo)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.Atoi(hi)
	}
	if err1 != nil || err2 != nil {
		ps.NotANumber = true
		return ps
	}
	ps.Start, ps.End = a, b
	ps.OutOfRange = a < 0 || b < 0 || a > 65535 || b > 65535 || b < a
	return ps
}
