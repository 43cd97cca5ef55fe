package cli

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IO holds the streams a command reads and writes, and whether they are
// terminals: tables, color and progress go to terminals only.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool
	ErrTTY bool
}

// System returns the process's own streams.
func System() *IO {
	return &IO{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		OutTTY: isatty.IsTerminal(os.Stdout.Fd()),
		ErrTTY: isatty.IsTerminal(os.Stderr.Fd()),
	}
}
