package live

import (
	"strings"
	"testing"
)

func TestMountinfoFields(t *testing.T) {
	line := `36 35 98:0 /mnt1 /tmp/a\040b/kubelet rw,noatime master:1 - ext4 /dev/root rw,errors=continue`
	f := mountinfoFields(line)
	if len(f) != 11 || f[4] != "/tmp/a b/kubelet" || f[8] != "ext4" {
		t.Errorf("fields %q", f)
	}
}

// FuzzMountinfoFields: any line splits without a panic into at most as
// many fields as it has words.
func FuzzMountinfoFields(f *testing.F) {
	f.Add(`36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext4 /dev/root rw`)
	f.Add(`1 2 0:3 / /a\040b\011c\\d rw - tmpfs x rw`)
	f.Add(`\"\\\x`)
	f.Fuzz(func(t *testing.T, line string) {
		if got, words := mountinfoFields(line), strings.Fields(line); len(got) != len(words) {
			t.Errorf("%q: %d fields, want %d", line, len(got), len(words))
		}
	})
}
