// Command kubelet is the upstream kubelet, built from the same
// k8s.io/kubernetes module as the test kube-apiserver, for palisade's
// live node tests only (internal/node/nodetest). .ci/setup-kube.sh
// builds it; nothing else uses it.
package main

import (
	"context"
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/kubernetes/cmd/kubelet/app"
)

func main() {
	os.Exit(cli.Run(app.NewKubeletCommand(context.Background())))
}
