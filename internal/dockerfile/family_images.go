package dockerfile

import (
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/imageref"
)

// imagesChecks are registered in Checks; see the rule files check_*.go.
// They cover four of the seven Dockerfile sub-controls: specific tags
// (family "tags"), the base-image allowlist ("allowlist"), sensitive
// volumes ("volumes") and root users ("root-user").
var imagesChecks = []Check{
	checkImageUntagged,
	checkImageLatest,
	checkImageDigest,
	checkImageInvalid,
	checkImagePolicy,
	checkSensitiveVolume,
	checkSystemWorkdir,
	checkRelativeWorkdir,
	checkFinalRoot,
	checkFinalNoUser,
	checkNumericUser,
}

// imageUse is one place where a Dockerfile pulls an image: the base of a
// FROM, COPY --from=<image>, or RUN --mount=...,from=<image>.
type imageUse struct {
	In *Instruction
	// Where names the place in messages: "FROM ", "COPY --from=",
	// "RUN --mount from=".
	Where string
	// Raw is the value as written; Value is it with ARGs expanded.
	Raw, Value string
	Ref        imageref.Ref
	// Err is set when Value is not a valid image reference.
	Err error
}

// Subject names the image in messages: "FROM node", "COPY --from=node:20"
// or "FROM ${BASE} (node)" when an ARG supplied it.
func (u imageUse) Subject() string {
	if u.Raw != u.Value {
		return u.Where + u.Raw + " (" + u.Value + ")"
	}
	return u.Where + u.Raw
}

// imageUses lists the images a Dockerfile pulls, in file order. It leaves
// out what is not a pull: "scratch", references to build stages (by
// alias, or by index for COPY --from), and values that depend on an ARG
// without a value (PAL-DF-002 reports those in FROM; BuildKit refuses
// variables in COPY --from and RUN --mount from=).
func imageUses(f *File) []imageUse {
	var out []imageUse
	add := func(in *Instruction, where, raw, value string) {
		if value == "" || imageref.IsScratch(value) {
			return
		}
		u := imageUse{In: in, Where: where, Raw: raw, Value: value}
		u.Ref, u.Err = imageref.Parse(value)
		out = append(out, u)
	}
	for _, in := range f.Instructions {
		switch c := in.Cmd.(type) {
		case *instructions.Stage:
			s := in.Stage
			if s == nil || s.Parent != nil || len(s.Unresolved) > 0 {
				continue
			}
			add(in, "FROM ", s.BaseRaw, s.Base)
		case *instructions.CopyCommand:
			if isImageSource(f, c.From) {
				add(in, "COPY --from=", c.From, c.From)
			}
		case *instructions.RunCommand:
			for _, m := range instructions.GetMounts(c) {
				if isImageSource(f, m.From) {
					add(in, "RUN --mount from=", m.From, m.From)
				}
			}
		}
	}
	return out
}

// isImageSource reports whether a COPY --from or mount from= value names
// an image rather than a stage.
func isImageSource(f *File, from string) bool {
	if from == "" || strings.Contains(from, "$") {
		return false
	}
	if _, err := strconv.Atoi(from); err == nil {
		return false // a stage index (out of range is BuildKit's error)
	}
	return f.StageByName(from) == nil
}

// stageUser is the USER in effect at the end of a stage.
type stageUser struct {
	// In is the USER instruction; nil when the stage chain sets none.
	In *Instruction
	// Value is the expanded user[:group]; Known is false when it
	// depends on a variable without a static value.
	Value string
	Known bool
}

// User is the user part of Value ("app" for "app:staff").
func (u stageUser) User() string {
	user, _, _ := strings.Cut(u.Value, ":")
	return user
}

// IsRoot reports whether the user is root: "root", UID 0, or Windows'
// ContainerAdministrator. A root group with another user ("1001:0", the
// OpenShift convention) is not root.
func (u stageUser) IsRoot() bool {
	user := u.User()
	if user == "root" || strings.EqualFold(user, "ContainerAdministrator") {
		return true
	}
	n, err := strconv.ParseUint(user, 10, 32)
	return err == nil && n == 0
}

// effectiveUser finds the last USER of a stage, following FROM <stage>
// links to the stages it builds on. A USER in an unrelated stage (a
// builder copied from) does not count: it is not inherited.
func effectiveUser(f *File, st *Stage) stageUser {
	for _, s := range st.Chain() {
		for i := len(s.Instructions) - 1; i >= 0; i-- {
			in := s.Instructions[i]
			c, ok := in.Cmd.(*instructions.UserCommand)
			if !ok {
				continue
			}
			v, known := f.ScopeAt(in).Expand(c.User)
			return stageUser{In: in, Value: strings.TrimSpace(v), Known: known}
		}
	}
	return stageUser{}
}

// stageIsWindows reports whether a stage builds a Windows image: its base
// is a Windows image from mcr.microsoft.com, or the file uses the
// backtick escape that Windows Dockerfiles use.
func stageIsWindows(f *File, st *Stage) bool {
	if f.Escape == '`' {
		return true
	}
	ref, err := imageref.Parse(st.Root().Base)
	if err != nil {
		return false
	}
	if strings.HasPrefix(ref.Repository, "windows/") {
		return ref.Registry == "mcr.microsoft.com"
	}
	return ref.Registry == "mcr.microsoft.com" && (strings.Contains(ref.Tag, "nanoserver") || strings.Contains(ref.Tag, "windowsservercore"))
}

// knownNonRootBase reports base images documented to run as a non-root
// user by default, and names that user:
//   - gcr.io/distroless/* with a "nonroot" tag component (nonroot,
//     debug-nonroot, nonroot-amd64): UID 65532;
//   - cgr.dev/chainguard/*: Chainguard images run as nonroot (65532),
//     except the -dev variants and the wolfi-base, chainguard-base and
//     busybox bases, which run as root;
//   - Windows Nano Server (mcr.microsoft.com/windows/nanoserver and
//     *-nanoserver-* tags): ContainerUser.
//
// Everything else is unknown statically; most images default to root.
func knownNonRootBase(ref imageref.Ref) (string, bool) {
	tagParts := strings.Split(ref.Tag, "-")
	switch {
	case ref.Registry == "gcr.io" && strings.HasPrefix(ref.Repository, "distroless/"):
		for _, t := range tagParts {
			if t == "nonroot" {
				return "nonroot (UID 65532)", true
			}
		}
	case ref.Registry == "cgr.dev" && strings.HasPrefix(ref.Repository, "chainguard/"):
		switch strings.TrimPrefix(ref.Repository, "chainguard/") {
		case "wolfi-base", "chainguard-base", "busybox":
			return "", false
		}
		for _, t := range tagParts {
			if t == "dev" {
				return "", false
			}
		}
		return "nonroot (UID 65532)", true
	case ref.Registry == "mcr.microsoft.com" && (ref.Repository == "windows/nanoserver" || strings.Contains(ref.Tag, "nanoserver")):
		return "ContainerUser", true
	}
	return "", false
}
