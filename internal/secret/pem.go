package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
)

var (
	pemBegin = []byte("-----BEGIN ")
	pemEnd   = []byte("-----END ")
	dashes   = []byte("-----")
)

// minPEMBody is the number of base64 characters a PEM block must hold to be
// reported: the bare "-----BEGIN RSA PRIVATE KEY-----" constants of key
// parsing code have none, and the smallest real key (Ed25519) has more than
// 100.
const minPEMBody = 64

// maxPEMBody bounds the base64 body read, beyond any real key.
const maxPEMBody = 64 << 10

// pem matches a PEM block whose label ends in PRIVATE KEY (RSA, EC, DSA,
// OPENSSH, PKCS #8, ENCRYPTED) or PRIVATE KEY BLOCK (PGP), with a base64 body,
// at offset at. The block may sit in a string literal with \n escapes (JSON,
// YAML, source code). Encrypted keys (PKCS #8 ENCRYPTED PRIVATE KEY, legacy
// "Proc-Type: 4,ENCRYPTED" headers, OpenSSH keys with a cipher) are reported
// by the private-key-encrypted detector at a lower severity: they are useless
// without their passphrase, though open to offline guessing.
func (s *scanner) pem(at int) {
	b, ok := parsePEM(s.content, at)
	if !ok {
		return
	}
	d := detPrivateKey
	if b.encrypted {
		d = detPrivateKeyEncrypted
	}
	s.add(d, at, b.end, b.bodyStart, b.bodyEnd, string(s.content[at:b.headerEnd])+mask)
}

// pemBlock is a private key block found by parsePEM.
type pemBlock struct {
	headerEnd          int // end of the -----BEGIN ...----- line
	bodyStart, bodyEnd int // base64 body
	end                int // end of the -----END ...----- line, or of the body
	encrypted          bool
}

// parsePEM parses the private key PEM block starting at offset at of c.
func parsePEM(c []byte, at int) (b pemBlock, ok bool) {
	if !bytes.HasPrefix(c[at:], pemBegin) {
		return b, false
	}
	p := at + len(pemBegin)
	l := p
	for l < len(c) && l-p <= 48 && (upperDigit[c[l]] || c[l] == ' ') {
		l++
	}
	if !bytes.HasPrefix(c[l:], dashes) {
		return b, false
	}
	label := c[p:l]
	if !bytes.HasSuffix(label, []byte("PRIVATE KEY")) && !bytes.HasSuffix(label, []byte("PRIVATE KEY BLOCK")) {
		return b, false
	}
	b.headerEnd = l + len(dashes)
	b.encrypted = bytes.Contains(label, []byte("ENCRYPTED"))

	// RFC 1421 headers (Proc-Type, DEK-Info) and PGP armor headers.
	q := skipSeps(c, b.headerEnd)
	for range 8 {
		n := run(c, q, &headerName, 64)
		if n == 0 || n > 64 || q+n >= len(c) || c[q+n] != ':' {
			break
		}
		e := lineEnd(c, q)
		if bytes.Equal(c[q:q+n], []byte("Proc-Type")) && bytes.Contains(c[q:e], []byte("ENCRYPTED")) {
			b.encrypted = true
		}
		q = skipSeps(c, e)
	}

	// Base64 body, possibly wrapped, possibly with escaped line breaks.
	b.bodyStart, b.bodyEnd = q, q
	count := 0
	var head [44]byte
	for q < len(c) && q-b.bodyStart < maxPEMBody {
		if b64[c[q]] || c[q] == '=' {
			if count < len(head) {
				head[count] = c[q]
			}
			count++
			q++
			b.bodyEnd = q
			continue
		}
		if n := sepLen(c, q); n > 0 {
			q += n
			continue
		}
		break
	}
	if count < minPEMBody {
		return b, false
	}
	b.end = b.bodyEnd
	if bytes.HasPrefix(c[q:], pemEnd) {
		if i := bytes.Index(c[q+len(pemEnd):min(len(c), q+len(pemEnd)+64)], dashes); i >= 0 {
			b.end = q + len(pemEnd) + i + len(dashes)
		}
	}
	if bytes.Equal(label, []byte("OPENSSH PRIVATE KEY")) && opensshEncrypted(head[:]) {
		b.encrypted = true
	}
	return b, true
}

var headerName = newCharset("a-z", "A-Z", "0-9", "-")

// opensshEncrypted reports whether the start of the base64 body of an
// OpenSSH private key names a cipher other than "none". The body starts with
// "openssh-key-v1\x00" and the cipher name as a length-prefixed string.
func opensshEncrypted(head []byte) bool {
	var raw [33]byte
	n, err := base64.StdEncoding.Decode(raw[:], head)
	if err != nil || n < 19 || !bytes.HasPrefix(raw[:n], []byte("openssh-key-v1\x00")) {
		return false
	}
	l := binary.BigEndian.Uint32(raw[15:19])
	name := raw[19:n]
	return !(l == 4 && len(name) >= 4 && bytes.Equal(name[:4], []byte("none")))
}

// sepLen returns the length of the line separator or blank at c[i]: a space,
// a tab, CR, LF, or an escaped \n or \r as found in string literals.
func sepLen(c []byte, i int) int {
	switch c[i] {
	case ' ', '\t', '\r', '\n':
		return 1
	case '\\':
		if i+1 < len(c) && (c[i+1] == 'n' || c[i+1] == 'r') {
			return 2
		}
	}
	return 0
}

func skipSeps(c []byte, i int) int {
	for i < len(c) {
		n := sepLen(c, i)
		if n == 0 {
			break
		}
		i += n
	}
	return i
}

// lineEnd returns the offset of the end of the line starting at i: a LF or an
// escaped \n, or the end of c.
func lineEnd(c []byte, i int) int {
	for ; i < len(c); i++ {
		if c[i] == '\n' || c[i] == '\\' && i+1 < len(c) && c[i+1] == 'n' {
			return i
		}
	}
	return i
}

// putty matches a PuTTY private key file (PuTTY-User-Key-File-2 or -3),
// encrypted unless its Encryption header says none.
func (s *scanner) putty(at int) {
	c := s.content
	const magic = "PuTTY-User-Key-File-"
	if !bytes.HasPrefix(c[at:], []byte(magic)) || !boundaryBefore(c, at) {
		return
	}
	first := lineEnd(c, at)
	window := c[first:min(len(c), first+512)]
	i := bytes.Index(window, []byte("\nEncryption: "))
	if i < 0 {
		return
	}
	enc := window[i+len("\nEncryption: "):]
	enc = enc[:lineEnd(enc, 0)]
	priv := bytes.Index(c[first:min(len(c), first+maxPEMBody)], []byte("\nPrivate-Lines: "))
	if priv < 0 {
		return
	}
	end := lineEnd(c, first+priv+1)
	d := detPrivateKey
	if string(bytes.TrimSpace(enc)) != "none" {
		d = detPrivateKeyEncrypted
	}
	s.add(d, at, end, first, end, string(c[at:first])+mask)
}
