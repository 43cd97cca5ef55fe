// Command etcd is the upstream etcd server, built from
// go.etcd.io/etcd/server/v3 for palisade's integration tests only
// (internal/kubetest). .ci/setup-kube.sh builds it; nothing else uses it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
