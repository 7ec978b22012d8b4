package archive

import (
	"bufio"
	"compress/flate"
	"hash/crc32"
	"io"
)

// checkLayout checks that the local entries start at offset 0 and follow
// each other without gaps or overlaps up to the central directory at
// cdOffset, and that every local header agrees with its central entry. The
// entries must be sorted by offset.
func (z *zipArchive) checkLayout(cdOffset uint64) error {
	var pos uint64
	for i := range z.entries {
		e := &z.entries[i]
		switch {
		case e.offset > pos && i == 0:
			return zipRejectf("data before the first entry")
		case e.offset > pos:
			return zipRejectf("unused data before entry %s", quote(e.name))
		case e.offset < pos:
			return zipRejectf("entry %s overlaps another entry", quote(e.name))
		}
		end, err := z.checkLocal(e, cdOffset)
		if err != nil {
			return err
		}
		pos = end
	}
	if pos != cdOffset {
		return zipRejectf("unused data before the central directory")
	}
	return nil
}

// checkLocal checks the local header of e against e and returns where the
// entry, with its data and data descriptor, ends. Nothing may reach past
// limit, the start of the central directory.
func (z *zipArchive) checkLocal(e *zipEntry, limit uint64) (uint64, error) {
	if limit-e.offset < lenLocal {
		return 0, zipRejectf("local header of %s runs into the central directory", quote(e.name))
	}
	var h [lenLocal]byte
	if err := readFullAt(z.r, h[:], int64(e.offset)); err != nil {
		return 0, zipRejectf("truncated archive")
	}
	if le.Uint32(h[:]) != sigLocal {
		return 0, zipRejectf("missing local header for %s", quote(e.name))
	}
	if le.Uint16(h[6:]) != e.flags || le.Uint16(h[8:]) != e.method {
		return 0, zipRejectf("local header of %s disagrees with the central directory", quote(e.name))
	}
	nameLen, extraLen := uint64(le.Uint16(h[26:])), uint64(le.Uint16(h[28:]))
	dataOffset := e.offset + lenLocal + nameLen + extraLen
	if dataOffset > limit {
		return 0, zipRejectf("local header of %s runs into the central directory", quote(e.name))
	}
	buf := make([]byte, nameLen+extraLen)
	if err := readFullAt(z.r, buf, int64(e.offset+lenLocal)); err != nil {
		return 0, zipRejectf("truncated archive")
	}
	if string(buf[:nameLen]) != e.name {
		return 0, zipRejectf("local header name %s differs from central directory name %s", quote(string(buf[:nameLen])), quote(e.name))
	}
	crc, csize, usize := le.Uint32(h[14:]), uint64(le.Uint32(h[18:])), uint64(le.Uint32(h[22:]))
	zip64, hasZip64 := findExtra(buf[nameLen:], extraZip64)
	if csize == 0xffffffff || usize == 0xffffffff {
		if !hasZip64 || len(zip64) < 16 {
			return 0, zipRejectf("missing ZIP64 extra field in the local header of %s", quote(e.name))
		}
		usize, csize = le.Uint64(zip64), le.Uint64(zip64[8:])
	}
	if e.flags&flagDescriptor == 0 {
		if crc != e.crc || csize != e.csize || usize != e.usize {
			return 0, zipRejectf("local header of %s disagrees with the central directory on CRC or sizes", quote(e.name))
		}
	} else if !zeroOr(uint64(crc), uint64(e.crc)) || !zeroOr(csize, e.csize) || !zeroOr(usize, e.usize) {
		return 0, zipRejectf("local header of %s disagrees with the central directory on CRC or sizes", quote(e.name))
	}
	if e.csize > limit-dataOffset {
		return 0, zipRejectf("data of %s runs into the central directory", quote(e.name))
	}
	e.dataOffset = dataOffset
	end := dataOffset + e.csize
	if e.flags&flagDescriptor == 0 {
		return end, nil
	}
	wide := hasZip64 || e.csize > 0xffffffff || e.usize > 0xffffffff
	n, err := z.checkDescriptor(e, end, limit, wide)
	return end + n, err
}

// zeroOr reports whether a local header field holds zero or the central
// directory's value, as both are seen when a data descriptor is used.
func zeroOr(local, central uint64) bool {
	return local == 0 || local == central
}

// checkDescriptor checks the data descriptor of e at off against e and
// returns its length. wide says whether its sizes take 8 bytes.
func (z *zipArchive) checkDescriptor(e *zipEntry, off, limit uint64, wide bool) (uint64, error) {
	var b [24]byte
	avail := min(limit-off, uint64(len(b)))
	if err := readFullAt(z.r, b[:avail], int64(off)); err != nil {
		return 0, zipRejectf("truncated archive")
	}
	sizeLen := uint64(4)
	if wide {
		sizeLen = 8
	}
	matches := func(d []byte) bool {
		if uint64(len(d)) < 4+2*sizeLen || le.Uint32(d) != e.crc {
			return false
		}
		if wide {
			return le.Uint64(d[4:]) == e.csize && le.Uint64(d[12:]) == e.usize
		}
		return uint64(le.Uint32(d[4:])) == e.csize && uint64(le.Uint32(d[8:])) == e.usize
	}
	d := b[:avail]
	if len(d) >= 4 && le.Uint32(d) == sigDescriptor && matches(d[4:]) {
		return 8 + 2*sizeLen, nil
	}
	if matches(d) {
		return 4 + 2*sizeLen, nil
	}
	return 0, zipRejectf("data descriptor of %s disagrees with the central directory", quote(e.name))
}

// readEntry decompresses e, which must be no larger than max bytes, and
// checks its real size and CRC against the declared ones. A deflate stream
// must end exactly at the declared compressed size.
func (z *zipArchive) readEntry(e *zipEntry, max int64) ([]byte, error) {
	if e.usize > uint64(max) {
		return nil, invalidf("Metadata file %s is too large: %d bytes (the limit is %d)", quote(e.name), e.usize, max)
	}
	src := io.NewSectionReader(z.r, int64(e.dataOffset), int64(e.csize))
	buf := make([]byte, e.usize)
	if e.method == methodStore {
		if _, err := io.ReadFull(src, buf); err != nil {
			return nil, zipRejectf("truncated data for %s", quote(e.name))
		}
	} else if err := inflateExactly(src, buf); err != nil {
		return nil, zipRejectf("%s for %s", err.Error(), quote(e.name))
	}
	if crc32.ChecksumIEEE(buf) != e.crc {
		return nil, zipRejectf("CRC mismatch for %s", quote(e.name))
	}
	return buf, nil
}

// reason is an error whose text is a short, fixed reason safe to show.
type reason string

func (r reason) Error() string { return string(r) }

// inflateExactly fills buf from the deflate stream in src and checks that
// the stream ends there, with no compressed bytes left over.
func inflateExactly(src io.Reader, buf []byte) error {
	br := bufio.NewReaderSize(src, 4096)
	fr := flate.NewReader(br)
	defer fr.Close()
	if _, err := io.ReadFull(fr, buf); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return reason("data is truncated or shorter than declared")
		}
		return reason("corrupt compressed data")
	}
	var one [1]byte
	switch _, err := io.ReadFull(fr, one[:]); err {
	case nil:
		return reason("uncompressed data is longer than declared")
	case io.EOF:
	default:
		return reason("corrupt compressed data")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return reason("compressed data continues past the end of the deflate stream")
	}
	return nil
}
