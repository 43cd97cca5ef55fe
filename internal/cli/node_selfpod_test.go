package cli

import "testing"

// TestNodeAuditSelfPodUID: the audit pod's UID comes from
// PALISADE_POD_UID (the downward API); without it no pod is its own.
func TestNodeAuditSelfPodUID(t *testing.T) {
	t.Setenv("PALISADE_POD_UID", "0b7c5a2e-1f3d-4e6a-9c8b-7d2e1f0a3b4c")
	no, err := (&NodeAuditOptions{Root: "/"}).nodeOptions()
	if err != nil || no.Collect.SelfPodUID != "0b7c5a2e-1f3d-4e6a-9c8b-7d2e1f0a3b4c" {
		t.Errorf("SelfPodUID %q, %v", no.Collect.SelfPodUID, err)
	}
	t.Setenv("PALISADE_POD_UID", "")
	if no, _ := (&NodeAuditOptions{Root: "/"}).nodeOptions(); no.Collect.SelfPodUID != "" {
		t.Errorf("SelfPodUID %q without PALISADE_POD_UID", no.Collect.SelfPodUID)
	}
}
