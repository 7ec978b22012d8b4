package archive

import (
	"bufio"
	"encoding/binary"
	"io"
	"slices"
	"strings"
)

// Record signatures, lengths and flags of the ZIP format (APPNOTE.TXT).
const (
	sigLocal        = 0x04034b50
	sigCentral      = 0x02014b50
	sigEnd          = 0x06054b50
	sigZip64End     = 0x06064b50
	sigZip64Locator = 0x07064b50
	sigDescriptor   = 0x08074b50

	lenLocal        = 30
	lenCentral      = 46
	lenEnd          = 22
	lenZip64End     = 56
	lenZip64Locator = 20
	maxCommentLen   = 0xffff

	flagEncrypted       = 0x0001
	flagDescriptor      = 0x0008
	flagStrongEncrypted = 0x0040
	flagUTF8            = 0x0800
	flagMaskedHeaders   = 0x2000

	methodStore   = 0
	methodDeflate = 8

	extraZip64 = 0x0001

	// maxCentralDirectory bounds the central directory, and with it the
	// memory spent on entry names, whatever MaxEntries says.
	maxCentralDirectory = 32 << 20
)

var le = binary.LittleEndian

// zipEntry is one central directory entry.
type zipEntry struct {
	name       string
	made       uint16 // version made by; its high byte names the host system
	flags      uint16
	method     uint16
	crc        uint32
	csize      uint64
	usize      uint64
	extAttr    uint32
	offset     uint64 // of the local file header
	dataOffset uint64 // of the file data, once the local header is checked
}

// unixType returns the Unix file type bits of the entry, or 0 when the entry
// was not made on a Unix-like system.
func (e *zipEntry) unixType() uint32 {
	switch e.made >> 8 {
	case 3, 19: // Unix, OS X
		return (e.extAttr >> 16) & 0xf000
	}
	return 0
}

// isDir reports whether the entry is a directory.
func (e *zipEntry) isDir() bool {
	return strings.HasSuffix(e.name, "/") || e.unixType() == 0x4000
}

// isRegular reports whether the entry is a plain file: not a directory, a
// symbolic link or any other special file.
func (e *zipEntry) isRegular() bool {
	t := e.unixType()
	return !e.isDir() && (t == 0 || t == 0x8000)
}

// zipArchive is a ZIP archive whose framing has been checked.
type zipArchive struct {
	r       io.ReaderAt
	size    int64
	entries []zipEntry // sorted by offset
}

// zipEnd locates the central directory.
type zipEnd struct {
	entries  uint64
	cdOffset uint64
	cdSize   uint64
	cdEnd    uint64 // where the central directory must end
}

// openZip checks the framing of the ZIP archive in r and reads its central
// directory.
func openZip(r io.ReaderAt, size int64, lim Limits) (*zipArchive, error) {
	end, err := findEnd(r, size)
	if err != nil {
		return nil, err
	}
	switch {
	case end.entries > uint64(lim.MaxEntries):
		return nil, invalidf("Archive has more than %d entries", lim.MaxEntries)
	case end.cdSize > maxCentralDirectory:
		return nil, invalidf("Archive's central directory is larger than %d bytes", maxCentralDirectory)
	case end.cdOffset > end.cdEnd || end.cdEnd-end.cdOffset != end.cdSize:
		return nil, zipRejectf("central directory does not end where the end record begins")
	case end.entries > end.cdSize/lenCentral:
		return nil, zipRejectf("central directory is too small for its entries")
	}
	z := &zipArchive{r: r, size: size}
	if z.entries, err = readCentral(r, end); err != nil {
		return nil, err
	}
	var total uint64
	for i := range z.entries {
		total = addSat(total, z.entries[i].usize)
	}
	if lim.isBomb(total, size) {
		return nil, bombError(lim)
	}
	slices.SortFunc(z.entries, func(a, b zipEntry) int {
		switch {
		case a.offset < b.offset:
			return -1
		case a.offset > b.offset:
			return 1
		}
		return 0
	})
	if err := z.checkLayout(end.cdOffset); err != nil {
		return nil, err
	}
	return z, nil
}

// addSat returns a+b, or the largest uint64 when that overflows.
func addSat(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

// find returns the entry named name, or nil.
func (z *zipArchive) find(name string) *zipEntry {
	for i := range z.entries {
		if z.entries[i].name == name {
			return &z.entries[i]
		}
	}
	return nil
}

// findEnd finds the End Of Central Directory record, which must end the
// file (its comment reaching exactly to the end), and the ZIP64 records
// before it when there are any.
func findEnd(r io.ReaderAt, size int64) (zipEnd, error) {
	if size < lenEnd {
		return zipEnd{}, invalidf("File is not a zipfile")
	}
	tailLen := min(size, lenEnd+maxCommentLen)
	tail := make([]byte, tailLen)
	if err := readFullAt(r, tail, size-tailLen); err != nil {
		return zipEnd{}, invalidf("File is not a zipfile")
	}
	found, loose := -1, false
	for i := len(tail) - lenEnd; i >= 0; i-- {
		if le.Uint32(tail[i:]) != sigEnd {
			continue
		}
		n := int(le.Uint16(tail[i+20:]))
		switch {
		case i+lenEnd+n == len(tail) && found < 0:
			found = i
		case i+lenEnd+n == len(tail):
			return zipEnd{}, zipRejectf("ambiguous end of central directory record")
		case i+lenEnd+n < len(tail):
			loose = true
		}
	}
	if found < 0 {
		if loose {
			return zipEnd{}, zipRejectf("trailing data after the end of central directory record")
		}
		return zipEnd{}, invalidf("File is not a zipfile")
	}
	b := tail[found:]
	endOffset := uint64(size-tailLen) + uint64(found)
	end := zipEnd{
		entries:  uint64(le.Uint16(b[10:])),
		cdSize:   uint64(le.Uint32(b[12:])),
		cdOffset: uint64(le.Uint32(b[16:])),
		cdEnd:    endOffset,
	}
	if le.Uint16(b[8:]) != le.Uint16(b[10:]) {
		return zipEnd{}, zipRejectf("multi-disk archives are not supported")
	}
	if endOffset >= lenZip64Locator {
		var loc [lenZip64Locator]byte
		if err := readFullAt(r, loc[:], int64(endOffset-lenZip64Locator)); err != nil {
			return zipEnd{}, zipRejectf("truncated archive")
		}
		if le.Uint32(loc[:]) == sigZip64Locator {
			// The disk numbers may be escaped here; the ZIP64 record must
			// then say 0.
			return readZip64End(r, loc[:], end, endOffset-lenZip64Locator)
		}
	}
	if le.Uint16(b[4:]) != 0 || le.Uint16(b[6:]) != 0 {
		return zipEnd{}, zipRejectf("multi-disk archives are not supported")
	}
	return end, nil
}

// readZip64End reads the ZIP64 end of central directory record named by the
// locator loc, found at locOffset, and checks that it agrees with the
// classic record end.
func readZip64End(r io.ReaderAt, loc []byte, end zipEnd, locOffset uint64) (zipEnd, error) {
	recOffset := le.Uint64(loc[8:])
	if le.Uint32(loc[4:]) != 0 || le.Uint32(loc[16:]) > 1 {
		return zipEnd{}, zipRejectf("multi-disk archives are not supported")
	}
	if recOffset > locOffset || locOffset-recOffset < lenZip64End {
		return zipEnd{}, zipRejectf("bad ZIP64 end of central directory locator")
	}
	var b [lenZip64End]byte
	if err := readFullAt(r, b[:], int64(recOffset)); err != nil {
		return zipEnd{}, zipRejectf("truncated archive")
	}
	if le.Uint32(b[:]) != sigZip64End || le.Uint64(b[4:]) != locOffset-recOffset-12 {
		return zipEnd{}, zipRejectf("bad ZIP64 end of central directory record")
	}
	if le.Uint32(b[16:]) != 0 || le.Uint32(b[20:]) != 0 || le.Uint64(b[24:]) != le.Uint64(b[32:]) {
		return zipEnd{}, zipRejectf("multi-disk archives are not supported")
	}
	z := zipEnd{
		entries:  le.Uint64(b[32:]),
		cdSize:   le.Uint64(b[40:]),
		cdOffset: le.Uint64(b[48:]),
		cdEnd:    recOffset,
	}
	if !agrees(end.entries, z.entries, 0xffff) || !agrees(end.cdSize, z.cdSize, 0xffffffff) || !agrees(end.cdOffset, z.cdOffset, 0xffffffff) {
		return zipEnd{}, zipRejectf("ZIP64 end of central directory record disagrees with the classic one")
	}
	return z, nil
}

// agrees reports whether a classic field holds the ZIP64 value v or the
// escape value that defers to it.
func agrees(classic, v, escape uint64) bool {
	return classic == escape || classic == v
}

// readCentral reads and checks the central directory entries.
func readCentral(r io.ReaderAt, end zipEnd) ([]zipEntry, error) {
	br := bufio.NewReaderSize(io.NewSectionReader(r, int64(end.cdOffset), int64(end.cdSize)), 64<<10)
	entries := make([]zipEntry, 0, end.entries)
	seen := make(map[string]struct{}, end.entries)
	var hdr [lenCentral]byte
	var scratch []byte
	for range end.entries {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return nil, zipRejectf("truncated central directory")
		}
		if le.Uint32(hdr[:]) != sigCentral {
			return nil, zipRejectf("bad central directory entry")
		}
		nameLen, extraLen, commentLen := int(le.Uint16(hdr[28:])), int(le.Uint16(hdr[30:])), int(le.Uint16(hdr[32:]))
		scratch = slices.Grow(scratch[:0], nameLen+extraLen+commentLen)[:nameLen+extraLen+commentLen]
		if _, err := io.ReadFull(br, scratch); err != nil {
			return nil, zipRejectf("truncated central directory")
		}
		e := zipEntry{
			name:    string(scratch[:nameLen]),
			made:    le.Uint16(hdr[4:]),
			flags:   le.Uint16(hdr[8:]),
			method:  le.Uint16(hdr[10:]),
			crc:     le.Uint32(hdr[16:]),
			csize:   uint64(le.Uint32(hdr[20:])),
			usize:   uint64(le.Uint32(hdr[24:])),
			extAttr: le.Uint32(hdr[38:]),
			offset:  uint64(le.Uint32(hdr[42:])),
		}
		if err := e.applyZip64(scratch[nameLen:nameLen+extraLen], le.Uint16(hdr[34:])); err != nil {
			return nil, err
		}
		if err := e.check(); err != nil {
			return nil, err
		}
		if _, dup := seen[e.name]; dup {
			return nil, zipRejectf("duplicate file name %s", quote(e.name))
		}
		seen[e.name] = struct{}{}
		entries = append(entries, e)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, zipRejectf("central directory holds more than its declared entries")
	}
	return entries, nil
}

// applyZip64 replaces the escaped sizes and offset of a central directory
// entry with the values of its ZIP64 extra field.
func (e *zipEntry) applyZip64(extra []byte, disk uint16) error {
	needU, needC, needO := e.usize == 0xffffffff, e.csize == 0xffffffff, e.offset == 0xffffffff
	if disk != 0 && disk != 0xffff {
		return zipRejectf("multi-disk archives are not supported")
	}
	if !needU && !needC && !needO {
		return nil
	}
	data, ok := findExtra(extra, extraZip64)
	take := func(need bool, v *uint64) {
		if !need || !ok {
			return
		}
		if len(data) < 8 {
			ok = false
			return
		}
		*v, data = le.Uint64(data), data[8:]
	}
	take(needU, &e.usize)
	take(needC, &e.csize)
	take(needO, &e.offset)
	if !ok {
		return zipRejectf("missing ZIP64 extra field for %s", quote(e.name))
	}
	return nil
}

// findExtra returns the data of the extra field block with the given id.
func findExtra(extra []byte, id uint16) ([]byte, bool) {
	for len(extra) >= 4 {
		n := int(le.Uint16(extra[2:]))
		if 4+n > len(extra) {
			return nil, false
		}
		if le.Uint16(extra) == id {
			return extra[4 : 4+n], true
		}
		extra = extra[4+n:]
	}
	return nil, false
}

// check applies the rules that need only the central directory entry.
func (e *zipEntry) check() error {
	if reason := checkPath(e.name); reason != "" {
		return zipRejectf("%s: %s", reason, quote(e.name))
	}
	if !isASCII(e.name) && e.flags&flagUTF8 == 0 {
		return zipRejectf("non-ASCII file name without the UTF-8 flag: %s", quote(e.name))
	}
	if e.flags&(flagEncrypted|flagStrongEncrypted|flagMaskedHeaders) != 0 {
		return zipRejectf("encrypted entry %s", quote(e.name))
	}
	switch e.method {
	case methodStore:
		if e.csize != e.usize {
			return zipRejectf("stored entry %s has different compressed and uncompressed sizes", quote(e.name))
		}
	case methodDeflate:
	default:
		return zipRejectf("unsupported compression method %d for %s", e.method, quote(e.name))
	}
	return nil
}
