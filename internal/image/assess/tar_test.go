package assess

import (
	"archive/tar"
	"io"
)

type tarWriter struct{ tw *tar.Writer }

func newTarWriter(w io.Writer) *tarWriter { return &tarWriter{tar.NewWriter(w)} }

func (t *tarWriter) file(name string, body []byte, mode int64) {
	t.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body))})
	t.tw.Write(body)
}

func (t *tarWriter) close() { t.tw.Close() }
