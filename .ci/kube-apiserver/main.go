// Command kube-apiserver is the upstream Kubernetes API server, built from
// the k8s.io/kubernetes module for palisade's integration tests only
// (internal/kubetest). .ci/setup-kube.sh builds it; nothing else uses it.
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
