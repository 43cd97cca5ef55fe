package inventory

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// checkRPMDB vets an RPM database before go-rpmdb reads it. go-rpmdb
// walks Berkeley DB and NDB files in goroutines of its own, where a
// corrupt file can loop forever (an overflow chain that cycles or meets a
// page of another type), panic out of reach of any recover (offsets past
// the page), allocate gigabytes (NDB blob lengths) or print to stdout.
// This walk mirrors go-rpmdb's, with every offset, length and chain
// checked, so that only well-formed files reach it.
func checkRPMDB(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return nil // modernc's SQLite reports corruption as errors
	case len(head) >= 4 && binary.LittleEndian.Uint32(head) == ndbHeaderMagic:
		return checkNDB(f, fi.Size())
	case len(head) >= 16 && (binary.LittleEndian.Uint32(head[12:]) == bdbHashMagic || binary.BigEndian.Uint32(head[12:]) == bdbHashMagic):
		return checkBDB(f, fi.Size(), head)
	}
	return errors.New("not an RPM database (neither SQLite, NDB nor Berkeley DB)")
}

const (
	bdbHashMagic     = 0x00061561
	bdbHeaderSize    = 26
	bdbHashUnsorted  = 2
	bdbHash          = 13
	bdbOverflow      = 7
	bdbHashOffPage   = 3
	bdbHashOffSize   = 12
	bdbHashMetaType  = 8
	ndbHeaderMagic   = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24
	ndbSlotMagic     = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbBlobMagic     = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
	ndbSlotsPerPage  = 4096 / 16
	ndbMaxSlotPages  = 2048
	ndbBlobHeaderLen = 16
)

func checkBDB(f *os.File, size int64, meta []byte) error {
	order := binary.ByteOrder(binary.LittleEndian)
	if binary.LittleEndian.Uint32(meta[12:]) != bdbHashMagic {
		order = binary.BigEndian
	}
	if len(meta) < 36 {
		return errors.New("corrupt Berkeley DB: short metadata page")
	}
	pageSize := order.Uint32(meta[20:])
	lastPage := order.Uint32(meta[32:])
	if pageSize < 512 || pageSize > 64<<10 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("corrupt Berkeley DB: page size %d", pageSize)
	}
	if meta[25] != bdbHashMetaType {
		return fmt.Errorf("corrupt Berkeley DB: metadata page type %d", meta[25])
	}
	pages := size / int64(pageSize)
	if int64(lastPage) >= pages {
		return fmt.Errorf("corrupt Berkeley DB: last page %d beyond the %d pages of the file", lastPage, pages)
	}
	ps := int(pageSize)
	readPage := func(no uint32, buf []byte) error {
		if int64(no) >= pages {
			return fmt.Errorf("corrupt Berkeley DB: page %d beyond the end of the file", no)
		}
		_, err := f.ReadAt(buf, int64(no)*int64(pageSize))
		return err
	}
	page := make([]byte, ps)
	other := make([]byte, ps)
	for no := uint32(0); no <= lastPage; no++ {
		if err := readPage(no, page); err != nil {
			return err
		}
		if t := page[25]; t != bdbHashUnsorted && t != bdbHash {
			continue
		}
		entries := int(order.Uint16(page[20:]))
		if entries%2 != 0 {
			continue // go-rpmdb stops with an error
		}
		if bdbHeaderSize+2*entries > ps {
			return fmt.Errorf("corrupt Berkeley DB: page %d claims %d entries", no, entries)
		}
		for i := 1; i < entries; i += 2 {
			off := int(order.Uint16(page[bdbHeaderSize+2*i:]))
			if off >= ps {
				return fmt.Errorf("corrupt Berkeley DB: page %d entry offset %d past the page", no, off)
			}
			if page[off] != bdbHashOffPage {
				continue
			}
			if off+bdbHashOffSize > ps {
				return fmt.Errorf("corrupt Berkeley DB: page %d entry at %d runs past the page", no, off)
			}
			next := order.Uint32(page[off+4:])
			for steps := int64(0); next != 0; steps++ {
				if steps > pages {
					return fmt.Errorf("corrupt Berkeley DB: overflow chain from page %d loops", no)
				}
				if err := readPage(next, other); err != nil {
					return err
				}
				if other[25] != bdbOverflow {
					return fmt.Errorf("corrupt Berkeley DB: overflow chain from page %d reaches page %d of type %d", no, next, other[25])
				}
				nn := order.Uint32(other[16:])
				if nn == 0 && bdbHeaderSize+int(order.Uint16(other[22:])) > ps {
					return fmt.Errorf("corrupt Berkeley DB: overflow page %d length past the page", next)
				}
				next = nn
			}
		}
	}
	return nil
}

func checkNDB(f *os.File, size int64) error {
	var hdr [32]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		return errors.New("corrupt NDB database: short header")
	}
	slotPages := binary.LittleEndian.Uint32(hdr[12:])
	if binary.LittleEndian.Uint32(hdr[4:]) != 0 || slotPages == 0 || slotPages > ndbMaxSlotPages {
		return fmt.Errorf("corrupt NDB database: version or slot pages (%d)", slotPages)
	}
	nslots := int64(slotPages)*ndbSlotsPerPage - 2
	if 32+nslots*16 > size {
		return errors.New("corrupt NDB database: slot pages past the end of the file")
	}
	slots := make([]byte, nslots*16)
	if _, err := f.ReadAt(slots, 32); err != nil {
		return err
	}
	var blob [ndbBlobHeaderLen]byte
	for i := int64(0); i < nslots; i++ {
		s := slots[i*16:]
		if binary.LittleEndian.Uint32(s) != ndbSlotMagic {
			return fmt.Errorf("corrupt NDB database: slot %d has a bad magic", i)
		}
		pkg := binary.LittleEndian.Uint32(s[4:])
		if pkg == 0 {
			continue
		}
		off := int64(binary.LittleEndian.Uint32(s[8:])) * ndbBlobHeaderLen
		if off+ndbBlobHeaderLen > size {
			return fmt.Errorf("corrupt NDB database: slot %d points past the end of the file", i)
		}
		if _, err := f.ReadAt(blob[:], off); err != nil {
			return err
		}
		if binary.LittleEndian.Uint32(blob[:]) != ndbBlobMagic || binary.LittleEndian.Uint32(blob[4:]) != pkg {
			return fmt.Errorf("corrupt NDB database: blob of slot %d is not one", i)
		}
		if n := int64(binary.LittleEndian.Uint32(blob[12:])); off+ndbBlobHeaderLen+n > size {
			return fmt.Errorf("corrupt NDB database: blob of slot %d is %d bytes, past the end of the file", i, n)
		}
	}
	return nil
}
