package dockerfile

import (
	"testing"

	"github.com/palisade-sec/palisade/internal/imageref"
)

func TestStageUserIsRoot(t *testing.T) {
	for v, want := range map[string]bool{
		"root": true, "0": true, "00": true, "root:root": true, "0:0": true, "root:1000": true,
		"ContainerAdministrator": true, "containeradministrator": true,
		"1000": false, "1000:0": false, "app": false, "app:root": false, "ROOT": false, "nobody": false, "": false, "ContainerUser": false,
	} {
		if got := (stageUser{Value: v, Known: true}).IsRoot(); got != want {
			t.Errorf("IsRoot(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestKnownNonRootBase(t *testing.T) {
	for in, want := range map[string]bool{
		"gcr.io/distroless/static:nonroot":                         true,
		"gcr.io/distroless/static-debian12:debug-nonroot":          true,
		"gcr.io/distroless/base-debian12:nonroot-amd64":            true,
		"gcr.io/distroless/static":                                 false,
		"gcr.io/distroless/static:debug":                           false,
		"cgr.dev/chainguard/static:latest":                         true,
		"cgr.dev/chainguard/python:latest":                         true,
		"cgr.dev/chainguard/python:latest-dev":                     false,
		"cgr.dev/chainguard/wolfi-base":                            false,
		"mcr.microsoft.com/windows/nanoserver:ltsc2022":            true,
		"mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-ltsc2022": true,
		"mcr.microsoft.com/windows/servercore:ltsc2022":            false,
		"debian:12-slim":                                           false,
		"someuser/distroless:nonroot":                              false,
	} {
		if _, got := knownNonRootBase(imageref.MustParse(in)); got != want {
			t.Errorf("knownNonRootBase(%s) = %v, want %v", in, got, want)
		}
	}
}
