package dockerfile

import (
	"regexp"
	"strconv"
	"strings"
)

// suppressions are the ignore comments of one file. Names are rule IDs
// or aliases; they are matched against rules when findings are made.
type suppressions struct {
	// byLine maps an instruction's start line to ignores written in the
	// comment block directly above it.
	byLine map[int][]ignore
	file   []ignore
}

type ignore struct {
	names  []string
	reason string
	line   int
	// stage marks "ignore-stage": it applies to the FROM below and every
	// instruction of that stage.
	stage bool
}

var (
	palisadeIgnore = regexp.MustCompile(`^#\s*palisade\s+(ignore|ignore-stage|ignore-file)=([A-Za-z0-9_:,\-]+)\s*(.*)$`)
	hadolintIgnore = regexp.MustCompile(`^#\s*hadolint\s+(global\s+)?ignore=([A-Za-z0-9_,\s]+?)\s*$`)
	trivyIgnore    = regexp.MustCompile(`^#\s*trivy:ignore:([A-Za-z0-9\-_]+)`)
	checkDirective = regexp.MustCompile(`^#\s*check\s*=\s*(.*)$`)
)

// parseSuppressions reads ignore comments. A comment applies to the next
// instruction when only comments (or blank lines) stand between them.
func parseSuppressions(lines []string) suppressions {
	s := suppressions{byLine: map[int][]ignore{}}
	var pending []ignore
	inDirectives := true
	for i, raw := range lines {
		n := i + 1
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			inDirectives = false
			if len(pending) > 0 {
				s.byLine[n] = append(s.byLine[n], pending...)
				pending = nil
			}
			continue
		}
		if m := palisadeIgnore.FindStringSubmatch(line); m != nil {
			ig := ignore{names: splitNames(m[2]), reason: strings.TrimSpace(m[3]), line: n}
			switch m[1] {
			case "ignore-file":
				s.file = append(s.file, ig)
			case "ignore-stage":
				ig.stage = true
				pending = append(pending, ig)
			default:
				pending = append(pending, ig)
			}
			continue
		}
		if m := hadolintIgnore.FindStringSubmatch(line); m != nil {
			ig := ignore{names: splitNames(m[2]), reason: "hadolint ignore comment", line: n}
			if m[1] != "" {
				s.file = append(s.file, ig)
			} else {
				pending = append(pending, ig)
			}
			continue
		}
		if m := trivyIgnore.FindStringSubmatch(line); m != nil {
			pending = append(pending, ignore{names: []string{normaliseTrivyID(m[1])}, reason: "trivy ignore comment", line: n})
			continue
		}
		if m := checkDirective.FindStringSubmatch(line); m != nil && inDirectives {
			// BuildKit's "# check=skip=A,B;error=true" parser directive.
			for _, part := range strings.Split(m[1], ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
				if strings.TrimSpace(k) == "skip" {
					s.file = append(s.file, ignore{names: splitNames(v), reason: "BuildKit check=skip directive", line: n})
				}
			}
		}
	}
	return s
}

func splitNames(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// normaliseTrivyID turns Trivy's spellings (AVD-DS-0002, DS002, ds-0002)
// into the alias form palisade records, DS-0002.
func normaliseTrivyID(id string) string {
	id = strings.ToUpper(strings.TrimPrefix(strings.ToUpper(id), "AVD-"))
	num := strings.TrimPrefix(strings.TrimPrefix(id, "DS"), "-")
	if n, err := strconv.Atoi(num); err == nil && strings.HasPrefix(id, "DS") {
		return "DS-" + leftPad(strconv.Itoa(n), 4)
	}
	return id
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
