package secret

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEntropy(t *testing.T) {
	tests := []struct {
		s    string
		want float64
	}{
		{"", 0},
		{"a", 0},
		{"aaaa", 0},
		{"ab", 1},
		{"abcd", 2},
		{"aabb", 1},
		{"abcdefgh", 3},
		{"0123456789abcdef", 4},
		{"ééàà", 1},
		{"日本語日本語", math.Log2(3)},
	}
	for _, tt := range tests {
		if got := Entropy(tt.s); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Entropy(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := entropy([]byte(tt.s)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("entropy([]byte(%q)) = %v, want %v", tt.s, got, tt.want)
		}
	}
	if e := Entropy(rnd(1, b64Chars, 40)); e < 4.5 {
		t.Errorf("Entropy of random base64 = %.2f, want above 4.5", e)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		s, want string
	}{
		{"", "****"},
		{"hunter2", "****"},
		{"elevenchars", "****"},
		{"twelve-chars", "twe****s"},
		{"0123456789abcdefghijklmnopqrstuvwxyzABCD", "01234567****ABCD"},
		{"pässwörtchen-geheim", "päss****im"},
	}
	for _, tt := range tests {
		if got := Redact(tt.s); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
	for n := range 300 {
		s := strings.Repeat("é", n)
		r := Redact(s)
		if !utf8.ValidString(r) {
			t.Fatalf("Redact of %d runes is not valid UTF-8", n)
		}
		if n >= 12 && (strings.Contains(r, s) || utf8.RuneCountInString(r)-len(mask) > n*3/8) {
			t.Fatalf("Redact of %d runes shows too much: %q", n, r)
		}
	}
}
