package upgrade

import (
	"testing"
	"time"
)

func FuzzParseDeprecatedMetric(f *testing.F) {
	f.Add([]byte(`apiserver_requested_deprecated_apis{group="a",removed_release="1.32",resource="r",subresource="",version="v1beta1"} 1` + "\n"))
	f.Add([]byte(`apiserver_requested_deprecated_apis{group="a\"b"} 1`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseDeprecatedMetric(data)
	})
}

func FuzzParseTable(f *testing.F) {
	f.Add([]byte(`{"asOf": "2026-11-27", "releases": [{"minor": "1.37", "released": "2026-08-26", "maintenance": "2027-08-28", "eol": "2027-10-28", "latestPatch": "1.37.2"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ParseTable(data)
		if err != nil {
			return
		}
		tab.SupportOf(MinorOf(1, 30), time.Unix(0, 0))
		tab.Supported(time.Unix(0, 0))
	})
}

func FuzzParseVersion(f *testing.F) {
	f.Add("v1.29.3-eks-1")
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseVersion(s); err == nil {
			_ = v.String()
		}
	})
}

func FuzzParseHistory(f *testing.F) {
	f.Add(embeddedHistory)
	f.Add([]byte(`{"derivedFrom": ["m"], "apis": [{"group": "a", "version": "v1beta1", "kind": "K", "removed": "1.22", "droppedIn": "1.20"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseHistory(data)
		if err != nil {
			return
		}
		for _, a := range h.APIs {
			_ = a.removedIn()
		}
	})
}
