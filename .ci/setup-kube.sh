#!/usr/bin/env bash
# setup-kube.sh: the real control plane the Kubernetes integration tests
# (internal/kubetest and its users) start on loopback. Idempotent, quiet,
# fast when already done.
#
#  - kube-apiserver built from k8s.io/kubernetes@v1.37.2 (.ci/kube-apiserver,
#    its own module with a replace line per staging repo); about 8 minutes
#    on 2 cores the first time, then cached by the Go build cache;
#  - kubelet, kube-controller-manager and kube-scheduler from the same
#    module (its kubelet/, kube-controller-manager/ and kube-scheduler/
#    commands), for the live node test (internal/node/nodetest/live) that
#    runs the audit DaemonSet on a real kubelet; about 3 minutes more the
#    first time, as most packages are kube-apiserver's too;
#  - etcd built from go.etcd.io/etcd/server/v3@v3.7.3 (.ci/etcd, its own
#    module, so the etcd server's dependencies stay out of palisade's go.mod);
#    under a minute.
#
# All land in /var/cache/palisade-test/bin (override with PALISADE_TEST_BIN)
# with a stamp of the module files they were built from; a binary whose
# stamp matches is kept.
set -euo pipefail
cd "$(dirname "$0")"

bin=${PALISADE_TEST_BIN:-/var/cache/palisade-test/bin}
mkdir -p "$bin"
export GOFLAGS=-buildvcs=false CGO_ENABLED=0

build() { # name dir package
	local name=$1 dir=$2 pkg=$3 stamp
	stamp=$(cat "$dir/go.mod" "$dir/go.sum" "$dir/$pkg/main.go" | sha256sum | cut -d' ' -f1)
	if [[ -x $bin/$name && "$(cat "$bin/$name.stamp" 2>/dev/null)" == "$stamp" ]]; then
		return
	fi
	local tmp
	tmp=$(mktemp "$bin/.$name.XXXXXX")
	if ! (cd "$dir" && go build -trimpath -ldflags='-s -w' -o "$tmp" "$pkg") >"$tmp.log" 2>&1; then
		echo "setup-kube: building $name failed; last lines:" >&2
		tail -n 30 "$tmp.log" >&2
		rm -f "$tmp" "$tmp.log"
		exit 1
	fi
	rm -f "$tmp.log"
	mv -f "$tmp" "$bin/$name"
	echo "$stamp" >"$bin/$name.stamp"
}

build etcd etcd .
build kube-apiserver kube-apiserver .
build kubelet kube-apiserver ./kubelet
build kube-controller-manager kube-apiserver ./kube-controller-manager
build kube-scheduler kube-apiserver ./kube-scheduler
