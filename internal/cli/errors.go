package cli

import (
	"errors"
	"fmt"
)

// Exit codes: never the number of findings.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
)

// UsageError is bad flags, arguments or input: exit 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error { return &UsageError{Err: fmt.Errorf(format, a...)} }

// FindingsError says findings reached the --fail-on threshold: exit 1.
type FindingsError struct {
	Threshold string
	Count     int
}

func (e *FindingsError) Error() string {
	return fmt.Sprintf("%d finding(s) at or above severity %s", e.Count, e.Threshold)
}

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var fe *FindingsError
	if errors.As(err, &fe) {
		return ExitFindings
	}
	return ExitUsage
}
