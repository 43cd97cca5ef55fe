package dockerfile

// PAL-DF-081: a secret file is copied into the image and stays there.
//
// Checked: every source of COPY (without --from) and ADD (local sources)
// whose file name or destination secret.SecretFile recognises (id_rsa,
// *.pem and *.key private keys, .npmrc, .pypirc, .netrc, .env,
// .git-credentials, .aws/credentials, .docker/config.json, kubeconfigs,
// key stores…), directories copied whole whose well-known content is
// secret (.ssh, .aws, .docker, .kube, .gnupg), and files copied to the
// path an ENV or ARG names as a credentials file
// (GOOGLE_APPLICATION_CREDENTIALS, AWS_SHARED_CREDENTIALS_FILE,
// KUBECONFIG, HF_TOKEN_PATH, NPM_CONFIG_USERCONFIG…). Destinations are
// resolved against WORKDIR.
//
// The finding depends on where the file ends up:
//   - the stage is the final image or one of its ancestors (FROM <stage>)
//     and no later RUN of that chain deletes the file: high, it ships in
//     the image (a deleting RUN makes it PAL-DF-080 instead);
//   - a later COPY --from of this stage (or a stage built on it) copies a
//     path that contains the file: high, it is carried into that stage;
//   - nothing uses the stage at all: low, its layers only exist with
//     `docker build --target` or a cache export, but they do then;
//   - other stages copy only other paths from it (the usual builder
//     pattern, `COPY --from=build /app/bin /app/bin`): not reported.

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/secret"
)

// SecretFileCopied is PAL-DF-081.
var SecretFileCopied = &finding.Rule{
	ID:       "PAL-DF-081",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "secrets",
	Title:    "Secret file is copied into the image",
	Doc: "A private key, registry or cloud credentials file, kubeconfig or .env file brought in by COPY or ADD is " +
		"part of the image: anyone who can pull it (a registry user, a node, a CI cache) can read it with docker " +
		"save or docker cp. Files copied only into a builder stage from which other stages copy selected paths do " +
		"not reach the image and are not reported; a stage nothing uses is reported at low severity, since " +
		"--target or a cache export still produces its layers.",
	Remediation: "Do not copy credentials into the image. For build-time use, mount them for a single RUN: " +
		"`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci` (docker build --secret id=npmrc,src=$HOME/.npmrc) " +
		"or `RUN --mount=type=ssh git clone …`; at runtime, inject them as Kubernetes Secrets mounted as files. " +
		"Add the file to .dockerignore.",
}

var checkSecretFileCopied = Check{Rule: SecretFileCopied, Run: func(p *Pass) {
	var issues igIssues
	for _, sc := range secFileCopies(p.File) {
		if sc.RemovedBy != nil {
			continue // PAL-DF-080
		}
		what := sc.describe()
		switch sc.Reach {
		case secReachFinal:
			issues.add(sc.In, what+", which ships in the final image")
		case secReachCopied:
			issues.add(sc.In, what+", and the COPY --from at line "+strconv.Itoa(sc.Via.Loc.StartLine)+" carries it into stage "+sc.Via.Stage.Ref())
			issues.relate(sc.In, sc.Via.Loc)
		case secReachUnused:
			issues.addSev(sc.In, what+" in stage "+sc.Stage.Ref()+", which nothing uses; docker build --target "+sc.Stage.Ref()+" or a cache export would ship it", finding.Low)
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items)
	})
}}

// Where a copied secret file ends up.
const (
	secReachSelective = "selective" // other stages copy only other paths
	secReachFinal     = "final"     // the final image
	secReachCopied    = "copied"    // carried on by COPY --from
	secReachUnused    = "unused"    // the stage is not used
)

// secCopy is a secret file brought in by COPY or ADD.
type secCopy struct {
	In     *Instruction
	Stage  *Stage
	Src    string
	Path   string // absolute destination in the image
	Reason string // what secret.SecretFile (or the ENV naming it) says it is
	Reach  string
	// Via is the COPY --from that carries the file on (Reach copied).
	Via *Instruction
	// RemovedBy is the first later RUN that deletes the file in the chain
	// that matters (the final image's, or the stage's own).
	RemovedBy *Instruction
}

func (sc secCopy) describe() string {
	return strings.ToUpper(sc.In.Name) + " brings " + sc.Src + " to " + sc.Path + " [" + sc.Reason + "]"
}

// secDirProbes maps directories copied whole to a file they normally
// hold, which secret.SecretFile then judges.
var secDirProbes = map[string]string{".ssh": "id_rsa", ".aws": "credentials", ".docker": "config.json", ".kube": "config", ".gnupg": "private-keys-v1.d/key"}

// secCredFileVars are variables whose value is the path of a
// credentials file.
var secCredFileVars = map[string]string{
	"GOOGLE_APPLICATION_CREDENTIALS":         "GCP credentials named by GOOGLE_APPLICATION_CREDENTIALS",
	"CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE": "gcloud credentials named by CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
	"AWS_SHARED_CREDENTIALS_FILE":            "AWS credentials named by AWS_SHARED_CREDENTIALS_FILE",
	"AZURE_CLIENT_CERTIFICATE_PATH":          "Azure client certificate named by AZURE_CLIENT_CERTIFICATE_PATH",
	"KUBECONFIG":                             "kubeconfig named by KUBECONFIG",
	"HF_TOKEN_PATH":                          "Hugging Face token named by HF_TOKEN_PATH",
	"NPM_CONFIG_USERCONFIG":                  "npm configuration named by NPM_CONFIG_USERCONFIG",
	"VAULT_TOKEN_FILE":                       "Vault token named by VAULT_TOKEN_FILE",
}

// secFileCopies finds the secret files of every COPY and ADD, where
// they end up, and whether a later RUN deletes them.
func secFileCopies(f *File) []secCopy {
	d := &f.derived
	d.copiesOnce.Do(func() { d.copies = secComputeFileCopies(f) })
	return d.copies
}

func secComputeFileCopies(f *File) []secCopy {
	var out []secCopy
	wdEnd := map[*Stage]string{}
	credFiles := map[*Stage]map[string]string{} // resolved path -> reason
	for _, s := range f.Stages {
		wd := "/"
		creds := map[string]string{}
		if s.Parent != nil {
			wd = cmp.Or(wdEnd[s.Parent], "/")
			for k, v := range credFiles[s.Parent] {
				creds[k] = v
			}
		}
		for _, in := range s.Instructions {
			switch c := in.Cmd.(type) {
			case *instructions.WorkdirCommand:
				wd = secResolve(wd, c.Path)
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					if reason, ok := secCredFileVars[kv.Key]; ok {
						v, _ := igUnquote(f, kv.Value)
						creds[secResolve(wd, v)] = reason
					}
				}
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if reason, ok := secCredFileVars[kv.Key]; ok && kv.Value != nil {
						v, _ := igUnquote(f, *kv.Value)
						creds[secResolve(wd, v)] = reason
					}
				}
			case *instructions.CopyCommand:
				if c.From == "" {
					out = append(out, secCopiedSecrets(f, in, s, wd, c.SourcePaths, c.DestPath, creds)...)
				}
			case *instructions.AddCommand:
				var local []string
				for _, src := range c.SourcePaths {
					if _, remote := igRemoteURL(f, src); !remote {
						local = append(local, src)
					}
				}
				out = append(out, secCopiedSecrets(f, in, s, wd, local, c.DestPath, creds)...)
			}
		}
		wdEnd[s] = wd
		credFiles[s] = creds
	}
	for i := range out {
		secPlace(f, &out[i])
	}
	return out
}

// secCopiedSecrets judges the sources of one COPY or ADD.
func secCopiedSecrets(f *File, in *Instruction, s *Stage, wd string, srcs []string, dest string, creds map[string]string) []secCopy {
	var out []secCopy
	total := len(srcs)
	if cc, ok := in.Cmd.(*instructions.CopyCommand); ok {
		total += len(cc.SourceContents)
	}
	for _, src := range srcs {
		clean := strings.TrimSuffix(src, "/")
		base := path.Base(clean)
		isDir := strings.HasSuffix(src, "/") || src == "." || secDirProbes[base] != ""
		var target string
		switch {
		case isDir:
			target = secResolve(wd, dest) // a directory's content lands in dest
		case strings.HasSuffix(dest, "/") || total > 1 || dest == ".":
			target = secResolve(wd, path.Join(dest, base))
		default:
			target = secResolve(wd, dest)
		}
		reason, ok := secret.SecretFile(src)
		if !ok && !isDir {
			reason, ok = secret.SecretFile(target)
		}
		if !ok && isDir {
			probe := secDirProbes[base]
			if probe == "" {
				probe = secDirProbes[path.Base(target)]
			}
			if probe != "" {
				if r, found := secret.SecretFile(path.Join(target, probe)); found {
					reason, ok = "directory holding credentials: "+r, true
				}
			}
		}
		if !ok {
			if r, found := creds[target]; found {
				reason, ok = r, true
			}
		}
		if ok {
			out = append(out, secCopy{In: in, Stage: s, Src: src, Path: target, Reason: reason})
		}
	}
	return out
}

// secPlace works out where a copied secret ends up and whether it is
// deleted later.
func secPlace(f *File, sc *secCopy) {
	final := f.Final()
	if final != nil && slices.Contains(final.Chain(), sc.Stage) {
		sc.Reach = secReachFinal
		sc.RemovedBy = secRemovedAfter(f, final, sc)
		return
	}
	// Stages built on this one, and what they copy out.
	descendants := map[*Stage]bool{}
	for _, s := range f.Stages {
		if slices.Contains(s.Chain(), sc.Stage) {
			descendants[s] = true
		}
	}
	used := false
	for _, s := range f.Stages {
		for _, in := range s.Instructions {
			switch c := in.Cmd.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					continue
				}
				from := f.StageByName(c.From)
				if from == nil || !descendants[from] {
					continue
				}
				used = true
				for _, src := range c.SourcePaths {
					if secCovers(secResolve("/", src), sc.Path) && secRemovedAfter(f, from, sc) == nil {
						sc.Reach, sc.Via = secReachCopied, in
						return
					}
				}
			case *instructions.RunCommand:
				for _, m := range secMounts(in) {
					if st := f.StageByName(m.From); m.From != "" && st != nil && descendants[st] {
						used = true
					}
				}
			}
		}
	}
	if used {
		sc.Reach = secReachSelective
		return
	}
	sc.Reach = secReachUnused
	sc.RemovedBy = secRemovedAfter(f, sc.Stage, sc)
}

// secRemovedAfter returns the first RUN of the stage chain ending at s,
// after the COPY, that deletes the copied file.
func secRemovedAfter(f *File, s *Stage, sc *secCopy) *Instruction {
	var chain []*Instruction
	for _, st := range slices.Backward(s.Chain()) {
		chain = append(chain, st.Instructions...)
	}
	i := slices.Index(chain, sc.In)
	if i < 0 {
		return nil
	}
	wd := "/"
	for _, in := range chain[:i] {
		if c, ok := in.Cmd.(*instructions.WorkdirCommand); ok {
			wd = secResolve(wd, c.Path)
		}
	}
	for _, in := range chain[i+1:] {
		switch c := in.Cmd.(type) {
		case *instructions.WorkdirCommand:
			wd = secResolve(wd, c.Path)
		case *instructions.RunCommand:
			if secRemoves(f, in, wd, sc.Path) {
				return in
			}
		}
	}
	return nil
}
