package report

import (
	"errors"
	"io"
)

// Placeholder until the SARIF writer lands.
func writeSARIF(w io.Writer, r *Report) error {
	return errors.New("sarif output is not implemented yet")
}
