package dockerfile

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// pk renders a package compactly for the tables below:
// manager:name[constraint version][ pinned][ kind][ arch=][ release=][ global].
func pk(p Package) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%s", p.Manager, p.Name)
	if p.Constraint != "" || p.Version != "" {
		fmt.Fprintf(&b, " %s%s", p.Constraint, p.Version)
	}
	if p.Pinned {
		b.WriteString(" pinned")
	}
	if p.Kind != "package" {
		b.WriteString(" " + p.Kind)
	}
	if p.Arch != "" {
		b.WriteString(" arch=" + p.Arch)
	}
	if p.Release != "" {
		b.WriteString(" release=" + p.Release)
	}
	if p.Global {
		b.WriteString(" global")
	}
	return b.String()
}

func packagesOf(t *testing.T, src string) []Package {
	t.Helper()
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return Packages(f)
}

func TestPackages(t *testing.T) {
	tests := []struct {
		name string
		run  string // the RUN body; the stage is FROM debian:12
		want []string
	}{
		{"apt flags and values", "apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold curl=7.88.1-10+deb12u5 ca-certificates",
			[]string{"apt:curl =7.88.1-10+deb12u5 pinned", "apt:ca-certificates"}},
		{"apt global options before install", "DEBIAN_FRONTEND=noninteractive apt-get -qq -o Acquire::Retries=3 install -y git",
			[]string{"apt:git"}},
		{"apt clustered -o", "apt-get -oDebug::pkgProblemResolver=1 install -yq jq", []string{"apt:jq"}},
		{"apt wildcard version, arch, release", "apt install -y 'nginx=1.22*' libc6:i386 curl/bookworm-backports g++",
			[]string{"apt:nginx =1.22*", "apt:libc6 arch=i386", "apt:curl release=bookworm-backports", "apt:g++"}},
		{"apt target release option", "apt-get install -t bookworm-backports -y golang", []string{"apt:golang release=bookworm-backports"}},
		{"apt local deb and removal", "apt-get install -y ./pkg.deb /tmp/x.deb nano-", []string{"apt:./pkg.deb file", "apt:/tmp/x.deb file"}},
		{"apt other subcommands", "apt-get update && apt-get upgrade -y && apt-get remove -y curl", nil},
		{"sudo apt", "sudo -E apt-get install -y vim", []string{"apt:vim"}},
		{"apk", "apk add --no-cache --virtual .build-deps gcc=13.2.1_git20231014-r0 curl=~8 musl-dev~1.2 'openssl>3' tini@community",
			[]string{"apk:gcc =13.2.1_git20231014-r0 pinned", "apk:curl =~8", "apk:musl-dev ~1.2", "apk:openssl >3", "apk:tini release=community"}},
		{"apk repository option", "apk --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing add tool", []string{"apk:tool"}},
		{"apk update is not an install", "apk update && apk upgrade", nil},
		{"yum rpm versions", "yum install -y nginx-1.20.1-1.el9 java-17-openjdk-headless python3 @development https://example.com/x.rpm",
			[]string{"yum:nginx -1.20.1-1.el9 pinned", "yum:java-17-openjdk-headless", "yum:python3", "yum:development group", "yum:https://example.com/x.rpm url"}},
		{"dnf setopt value", "dnf -y --setopt install_weak_deps=False install git-core", []string{"dnf:git-core"}},
		{"microdnf", "microdnf install -y --nodocs --setopt=install_weak_deps=0 shadow-utils tar-1.34*", []string{"microdnf:shadow-utils", "microdnf:tar -1.34*"}},
		{"tdnf", "tdnf install -y ca-certificates-20230315-1.azl3", []string{"tdnf:ca-certificates -20230315-1.azl3 pinned"}},
		{"zypper", "zypper --non-interactive install -y --no-recommends 'curl=8.0.1' 'vim>=9' && zypper in -t pattern devel_basis",
			[]string{"zypper:curl =8.0.1 pinned", "zypper:vim >=9", "zypper:devel_basis group"}},
		{"zypper in with global -n", "zypper -n in -y git", []string{"zypper:git"}},
		{"pip specs", "pip install --no-cache-dir requests==2.31.0 'flask>=2,<3' 'uvicorn[standard]==0.29.0' django~=4.2 numpy",
			[]string{"pip:requests ==2.31.0 pinned", "pip:flask >=2,<3", "pip:uvicorn ==0.29.0 pinned", "pip:django ~=4.2", "pip:numpy"}},
		{"pip requirements and local", "pip3 install -r requirements.txt -c constraints.txt . && pip install -e ./lib",
			[]string{"pip:requirements.txt requirements", "pip:. local", "pip:./lib local"}},
		{"pip clustered -Ur", "pip install -Ur requirements/prod.txt", []string{"pip:requirements/prod.txt requirements"}},
		{"pip wildcard is not a pin", "pip install 'django==4.2.*' --index-url https://pypi.example.com/simple", []string{"pip:django ==4.2.*"}},
		{"python -m pip", "python3 -m pip install --upgrade pip setuptools==69.0.3", []string{"pip:pip", "pip:setuptools ==69.0.3 pinned"}},
		{"python -m pip direct references", "python -m pip install 'pkg @ https://example.com/pkg-1.0.tar.gz' git+https://github.com/a/b.git dist/x-1.0-py3-none-any.whl",
			[]string{"pip:pkg url", "pip:git+https://github.com/a/b.git vcs", "pip:dist/x-1.0-py3-none-any.whl file"}},
		{"python running a script is not pip", "python setup.py install", nil},
		{"uv pip", "uv pip install --system ruff==0.4.4", []string{"pip:ruff ==0.4.4 pinned"}},
		{"npm global and local", "npm install -g npm@10.5.0 pnpm && npm i express@4 @types/node@20.11.30 lodash@latest left-pad@^1.3.0",
			[]string{"npm:npm @10.5.0 pinned global", "npm:pnpm global", "npm:express @4", "npm:@types/node @20.11.30 pinned", "npm:lodash @latest", "npm:left-pad @^1.3.0"}},
		{"npm manifest, lockfile, sources", "npm install && npm ci --omit=dev && npm install --loglevel warn user/repo github:a/b ./local https://x/y.tgz alias@npm:react@18.2.0",
			[]string{"npm:package.json manifest", "npm:package-lock.json pinned lockfile", "npm:user/repo vcs", "npm:github:a/b vcs", "npm:./local local", "npm:https://x/y.tgz url", "npm:react @18.2.0 pinned"}},
		{"yarn", "yarn global add typescript@5.4.5 && yarn add react@^18 && yarn install --frozen-lockfile && yarn",
			[]string{"yarn:typescript @5.4.5 pinned global", "yarn:react @^18", "yarn:yarn.lock pinned lockfile", "yarn:package.json manifest"}},
		{"yarn scripts are not installs", "yarn build && npm run test && npm test", nil},
		{"pnpm", "pnpm add -g zx@8.0.0 && pnpm install --frozen-lockfile && pnpm i", []string{"pnpm:zx @8.0.0 pinned global", "pnpm:pnpm-lock.yaml pinned lockfile", "pnpm:package.json manifest"}},
		{"gem", "gem install bundler -v 2.5.6 --no-document && gem install rails:7.1.3 && gem install puma -v '~> 6.4' && gem install rake",
			[]string{"gem:bundler =2.5.6 pinned", "gem:rails =7.1.3 pinned", "gem:puma ~>6.4", "gem:rake"}},
		{"bundler", "bundle install --jobs 4 && BUNDLE_FROZEN=true bundle install", []string{"bundler:Gemfile manifest", "bundler:Gemfile.lock pinned lockfile"}},
		{"go install", "go install -ldflags '-s -w' golang.org/x/tools/gopls@v0.15.2 github.com/go-delve/delve/cmd/dlv@latest honnef.co/go/tools/cmd/staticcheck@2023.1.7 ./cmd/app",
			[]string{"go:golang.org/x/tools/gopls @v0.15.2 pinned", "go:github.com/go-delve/delve/cmd/dlv @latest", "go:honnef.co/go/tools/cmd/staticcheck @2023.1.7", "go:./cmd/app local"}},
		{"go pseudo-version, hash, branch, prefix", "go install example.com/a@v0.0.0-20240101000000-abcdefabcdef example.com/b@abc1234 example.com/c@master example.com/d@v1.2",
			[]string{"go:example.com/a @v0.0.0-20240101000000-abcdefabcdef pinned", "go:example.com/b @abc1234 pinned", "go:example.com/c @master", "go:example.com/d @v1.2"}},
		{"go get", "go get -u github.com/x/y", []string{"go:github.com/x/y"}},
		{"go build is not an install", "go build -o /app ./cmd/app", nil},
		{"cargo", "cargo install ripgrep --version 14.1.0 --locked && cargo install bat@0.24.0 && cargo install --git https://github.com/a/b tool && cargo install --path .",
			[]string{"cargo:ripgrep @14.1.0 pinned", "cargo:bat @0.24.0 pinned", "cargo:tool vcs", "cargo:. local"}},
		{"sh -c and pipelines", `sh -c "apk add --no-cache bash=5.2.21-r0" && curl -fsSL https://x | tar xz`, []string{"apk:bash =5.2.21-r0 pinned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := packagesOf(t, "FROM debian:12\nRUN "+tt.run+"\n")
			var g []string
			for _, p := range got {
				g = append(g, pk(p))
				if p.Stage != "#0" || p.Line != 2 || p.Command == "" {
					t.Errorf("%s: stage %q line %d command %q", pk(p), p.Stage, p.Line, p.Command)
				}
			}
			if strings.Join(g, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestPackagesVariablesStagesAndLines(t *testing.T) {
	src := `ARG CURL_VERSION=7.88.1-10
FROM debian:12 AS build
ARG CURL_VERSION
ENV TOOLS="git make"
ARG NGINX_VERSION
RUN apt-get update \
 && apt-get install -y \
      curl=${CURL_VERSION} \
      $TOOLS \
      linux-headers-$(uname -r) \
      nginx=${NGINX_VERSION}

FROM build AS app
RUN yum install -y nginx-${NGINX_VERSION} $UNKNOWN
RUN <<EOF
pip install \
  requests==2.31.0
npm install -g typescript
EOF
`
	got := packagesOf(t, src)
	want := []struct {
		s, stage string
		line     int
	}{
		{"apt:curl =7.88.1-10 pinned", "build", 8},
		{"apt:git", "build", 9},
		{"apt:make", "build", 9},
		{"apt:linux-headers-$(uname -r) variable", "build", 10},
		{"apt:nginx =${NGINX_VERSION} pinned", "build", 11},
		{"yum:nginx -${NGINX_VERSION} pinned", "app", 14},
		{"yum:$UNKNOWN variable", "app", 14},
		{"pip:requests ==2.31.0 pinned", "app", 17},
		{"npm:typescript global", "app", 18},
	}
	if len(got) != len(want) {
		var g []string
		for _, p := range got {
			g = append(g, fmt.Sprintf("%s @%s:%d", pk(p), p.Stage, p.Line))
		}
		t.Fatalf("got %d packages, want %d:\n  %s", len(got), len(want), strings.Join(g, "\n  "))
	}
	for i, w := range want {
		p := got[i]
		if pk(p) != w.s || p.Stage != w.stage || p.Line != w.line {
			t.Errorf("#%d: got %q stage %s line %d, want %q stage %s line %d", i, pk(p), p.Stage, p.Line, w.s, w.stage, w.line)
		}
	}
	if got[5].StageIndex != 1 {
		t.Errorf("StageIndex = %d", got[5].StageIndex)
	}
}

func TestPackagesJSON(t *testing.T) {
	got := packagesOf(t, "FROM alpine:3.20\nRUN apk add curl=8.5.0-r0\n")
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"manager":"apk","name":"curl","version":"8.5.0-r0","constraint":"=","pinned":true,"kind":"package","stage":"#0","stageIndex":0,"line":2,"command":"apk add"}]`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
	again := packagesOf(t, "FROM alpine:3.20\nRUN apk add curl=8.5.0-r0\n")
	b2, _ := json.Marshal(again)
	if string(b2) != string(b) {
		t.Error("not deterministic")
	}
}

func TestPackagesNoPanicOnCorpus(t *testing.T) {
	for _, src := range []string{"", "FROM scratch\n", "RUN apt-get install\n", "FROM a\nRUN apt-get install -o\n", "FROM a\nRUN pip install -r\n", "FROM a\nRUN npm\n", "FROM a\nRUN go install\n", "FROM a\nRUN yarn global\n", "FROM a\nRUN cargo install --git\n", "FROM a\nRUN gem install -v\n"} {
		f, err := Parse("Dockerfile", []byte(src))
		if err != nil {
			continue
		}
		_ = Packages(f)
	}
}
