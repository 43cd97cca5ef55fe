package ruleset

import (
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
)

func TestAll(t *testing.T) {
	reg := All()
	if len(reg.All()) == 0 {
		t.Fatal("no rules registered")
	}
	for _, r := range reg.All() {
		if _, ok := control.Lookup(r.Control); !ok {
			t.Errorf("%s: unknown control %s", r.ID, r.Control)
		}
	}
}
