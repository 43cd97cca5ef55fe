// Command kube-controller-manager is the upstream controller manager,
// built from the same k8s.io/kubernetes module as the test
// kube-apiserver, so live tests have real controllers (the DaemonSet
// controller among them). .ci/setup-kube.sh builds it; nothing else
// uses it.
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
