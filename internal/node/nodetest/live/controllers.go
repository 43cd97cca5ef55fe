package live

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/kubetest"
)

// Controllers are a running kube-controller-manager and kube-scheduler.
type Controllers struct {
	manager, scheduler *process
}

// ControllerNames are the controllers StartControllers runs: DaemonSets
// get pods, deleting an owner deletes its pods, and a deleted namespace
// is emptied and goes away.
var ControllerNames = []string{"daemonset-controller", "garbage-collector-controller", "namespace-controller"}

// StartControllers runs kube-controller-manager (ControllerNames) and
// kube-scheduler against c as an administrator, without leader election
// or ports of their own, until the test ends.
func StartControllers(t *testing.T, c *kubetest.Cluster) *Controllers {
	t.Helper()
	kcm, err := kubetest.Binary("kube-controller-manager")
	if err != nil {
		t.Fatal(err)
	}
	sched, err := kubetest.Binary("kube-scheduler")
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := c.WriteKubeconfig(c.Admin, "controllers", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctl := &Controllers{}
	t.Cleanup(func() {
		ctl.scheduler.stop(15 * time.Second)
		ctl.manager.stop(15 * time.Second)
		if t.Failed() {
			t.Log(ctl.Logs())
		}
	})
	if ctl.manager, err = startProcess(dir, "kube-controller-manager", kcm,
		"--kubeconfig="+kubeconfig,
		"--controllers="+strings.Join(ControllerNames, ","),
		"--leader-elect=false",
		"--secure-port=0",
		"--v=1",
	); err != nil {
		t.Fatal(err)
	}
	if ctl.scheduler, err = startProcess(dir, "kube-scheduler", sched,
		"--kubeconfig="+kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--v=1",
	); err != nil {
		t.Fatal(err)
	}
	if err := ctl.started(); err != nil {
		t.Fatal(err)
	}
	return ctl
}

// started checks that neither exited at once (a bad flag, a refused
// kubeconfig). They serve no port to ask (none of their own on a shared
// machine), and whether they work shows in what they do: the DaemonSet's
// pods appear; a test that waits for that can watch Exited meanwhile.
func (ctl *Controllers) started() error {
	if msg := ctl.Exited(); msg != "" {
		return fmt.Errorf("%s\n%s", msg, ctl.Logs())
	}
	return nil
}

// Exited says which of them exited, or "" while both run.
func (ctl *Controllers) Exited() string {
	for _, p := range []*process{ctl.manager, ctl.scheduler} {
		if msg := p.exited(); msg != "" {
			return msg
		}
	}
	return ""
}

// Logs are the ends of the controllers' logs, for failure messages.
func (ctl *Controllers) Logs() string {
	return ctl.manager.tail(30) + ctl.scheduler.tail(20)
}
