// Command pause is the pod sandbox (and the audit DaemonSet's idle
// container) of the live node test: like registry.k8s.io/pause it
// sleeps until SIGTERM or SIGINT, then exits 0. The test machine cannot
// pull images, so the test builds this one as a static binary and
// imports it into containerd under the pause image's name.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}
