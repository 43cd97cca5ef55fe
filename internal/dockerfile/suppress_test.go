package dockerfile

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSuppressions covers every ignore spelling palisade honours: its
// own, hadolint's, Trivy's and BuildKit's, at instruction, stage and
// file scope, and checks that suppressed findings are kept with their
// reason and source.
func TestSuppressions(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		suppressed []string // "RULE@line"
		kept       []string
	}{
		{
			name:       "palisade ignore, next instruction only",
			src:        "FROM debian:12\n# palisade ignore=PAL-DF-011 pinned by the release job\nFROM node:latest\nFROM golang:latest\n",
			suppressed: []string{"PAL-DF-011@3"},
			kept:       []string{"PAL-DF-011@4"},
		},
		{
			name:       "hadolint alias",
			src:        "# hadolint ignore=DL3007\nFROM node:latest\n",
			suppressed: []string{"PAL-DF-011@2"},
		},
		{
			name:       "hadolint global ignore",
			src:        "# hadolint global ignore=DL3007,DL3006\nFROM node:latest\nFROM golang\n",
			suppressed: []string{"PAL-DF-011@2", "PAL-DF-010@3"},
		},
		{
			name:       "trivy spellings",
			src:        "#trivy:ignore:AVD-DS-0001\nFROM node:latest\n# trivy:ignore:DS001\nFROM golang:latest\n",
			suppressed: []string{"PAL-DF-011@2", "PAL-DF-011@4"},
		},
		{
			name:       "buildkit check=skip directive",
			src:        "# check=skip=JSONArgsRecommended\nFROM debian:12\nCMD echo hi\n",
			suppressed: []string{"PAL-DF-101@3"},
		},
		{
			name:       "ignore-stage covers the stage",
			src:        "# palisade ignore-stage=PAL-DF-011,PAL-DF-010 vendor stage\nFROM node:latest AS a\nCOPY --from=busybox / /x\nFROM golang:latest\n",
			suppressed: []string{"PAL-DF-011@2", "PAL-DF-010@3"},
			kept:       []string{"PAL-DF-011@4"},
		},
		{
			name:       "ignore-file anywhere",
			src:        "FROM node:latest\nRUN echo\n# palisade ignore-file=DL3007 whole file is a fixture\nFROM golang:latest\n",
			suppressed: []string{"PAL-DF-011@1", "PAL-DF-011@4"},
		},
		{
			name:       "a blank comment line does not break the block",
			src:        "# palisade ignore=PAL-DF-011 reason\n# more words\nFROM node:latest\n",
			suppressed: []string{"PAL-DF-011@3"},
		},
		{
			name: "an ignore does not reach past an instruction",
			src:  "# palisade ignore=PAL-DF-011 reason\nARG X=1\nFROM node:latest\n",
			kept: []string{"PAL-DF-011@3"},
		},
	}
	only := map[string]bool{"PAL-DF-010": true, "PAL-DF-011": true, "PAL-DF-101": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("Dockerfile", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			res := Lint(f, Checks(), Options{})
			var gotSup, gotKept []string
			for _, s := range res.Suppressed {
				if only[s.Finding.RuleID] {
					gotSup = append(gotSup, s.Finding.RuleID+"@"+strconv.Itoa(s.Finding.Location.StartLine))
					if s.Reason == "" || !strings.HasPrefix(s.Source, "Dockerfile:") {
						t.Errorf("suppressed without reason or source: %+v", s)
					}
				}
			}
			for _, fd := range res.Findings {
				if only[fd.RuleID] {
					gotKept = append(gotKept, fd.RuleID+"@"+strconv.Itoa(fd.Location.StartLine))
				}
			}
			slices.Sort(gotSup)
			slices.Sort(gotKept)
			want := slices.Sorted(slices.Values(tt.suppressed))
			wantKept := slices.Sorted(slices.Values(tt.kept))
			if !slices.Equal(gotSup, want) {
				t.Errorf("suppressed %v, want %v", gotSup, want)
			}
			if !slices.Equal(gotKept, wantKept) {
				t.Errorf("kept %v, want %v", gotKept, wantKept)
			}
		})
	}
}

func TestSuppressionReason(t *testing.T) {
	f, _ := Parse("Dockerfile", []byte("# palisade ignore=PAL-DF-011 pinned by the release job\nFROM node:latest\n"))
	res := Lint(f, Checks(), Options{})
	for _, s := range res.Suppressed {
		if s.Finding.RuleID == "PAL-DF-011" {
			if s.Reason != "pinned by the release job" || s.Source != "Dockerfile:1" {
				t.Errorf("got %+v", s)
			}
			return
		}
	}
	t.Fatal("not suppressed")
}
