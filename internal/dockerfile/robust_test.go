package dockerfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Hostile and odd inputs: each gives a clear finding or error, never a
// panic, and the rest of the file is still linted.
func TestBadInput(t *testing.T) {
	big := bytes.Repeat([]byte("RUN echo 0123456789012345678901234567890123456789012345678901234567890123456789\n"), 20<<20/80)
	cont := "FROM debian:12\nRUN echo a \\\n" + strings.Repeat("  && echo b \\\n", 5000) + "  && echo c\n"
	tests := []struct {
		name      string
		data      []byte
		wantErr   bool
		wantRule  string // a finding of this rule is expected
		wantLines int    // at least this many instructions parsed
	}{
		{name: "binary", data: []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), wantErr: true},
		{name: "non-UTF-8", data: []byte("FROM debian:12\nRUN echo \xff\xfe\n"), wantRule: ParseError.ID, wantLines: 2},
		{name: "20 MB", data: append([]byte("FROM debian:12\n"), big...), wantLines: 1000},
		{name: "over the size limit", data: bytes.Repeat([]byte("#"), MaxSize+1), wantErr: true},
		{name: "thousands of continuation lines", data: []byte(cont), wantLines: 2},
		{name: "unterminated heredoc", data: []byte("FROM debian:12\nRUN echo ok\nRUN <<EOF\necho never closed\n"), wantRule: ParseError.ID, wantLines: 2},
		{name: "empty", data: nil, wantRule: ParseError.ID},
		{name: "instruction before FROM", data: []byte("RUN echo\nFROM debian:12\n"), wantRule: ParseError.ID, wantLines: 2},
		{name: "unknown instruction mid-file", data: []byte("FROM debian:12\nFOO bar\nRUN echo\n"), wantRule: ParseError.ID, wantLines: 3},
		{name: "CRLF line endings", data: []byte("FROM debian:12\r\nRUN echo \\\r\n  hi\r\n"), wantLines: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("Dockerfile", tt.data)
			if tt.wantErr {
				if err == nil || !errors.Is(err, ErrNotDockerfile) {
					t.Fatalf("got %v, want ErrNotDockerfile", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Instructions) < tt.wantLines {
				t.Errorf("parsed %d instructions, want at least %d", len(f.Instructions), tt.wantLines)
			}
			res := Lint(f, Checks(), Options{})
			found := tt.wantRule == ""
			for _, fd := range res.Findings {
				if fd.RuleID == tt.wantRule {
					found = true
				}
				if isInternalError(fd.Message) {
					t.Errorf("rule panicked: %s", fd.Message)
				}
			}
			if !found {
				t.Errorf("no %s finding", tt.wantRule)
			}
		})
	}
}
