package dockerfile

// Helper of the yum, dnf and zypper pinning rules: whether an RPM
// package argument names a version.

import "strings"

// hygRpmPinned reports whether a yum/dnf package spec carries a version:
// name-version[-release][.arch] (the last dash-separated part starts
// with a digit), or a comparison. @groups, module specs and .rpm files
// are treated as pinned (not judged).
func hygRpmPinned(a string) bool {
	if strings.HasPrefix(a, "@") || strings.HasSuffix(a, ".rpm") || strings.ContainsAny(a, "=<>:") {
		return true
	}
	i := strings.LastIndexByte(a, '-')
	return i >= 0 && i+1 < len(a) && a[i+1] >= '0' && a[i+1] <= '9'
}
