// Command kube-scheduler is the upstream scheduler, built from the same
// k8s.io/kubernetes module as the test kube-apiserver: DaemonSet pods are
// bound to their nodes by the scheduler, so live node tests run it.
// .ci/setup-kube.sh builds it; nothing else uses it.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand()))
}
