package archive

// Limits bounds the work and memory spent on one archive. A zero field takes
// its value from DefaultLimits.
type Limits struct {
	// MaxUncompressed is the total uncompressed size allowed outright.
	MaxUncompressed int64
	// MaxRatio bounds total uncompressed size / archive size once the total
	// exceeds MaxUncompressed.
	MaxRatio float64
	// MaxEntries bounds the number of entries in the archive.
	MaxEntries int
	// MaxMetadataSize bounds the size of the metadata file returned.
	MaxMetadataSize int64
}

// DefaultLimits returns the limits used for uploads: 64 MiB outright, then a
// ratio of 50, 100,000 entries and 8 MiB of metadata.
func DefaultLimits() Limits {
	return Limits{
		MaxUncompressed: 64 << 20,
		MaxRatio:        50,
		MaxEntries:      100000,
		MaxMetadataSize: 8 << 20,
	}
}

// withDefaults fills the zero (or negative) fields of l from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = d.MaxUncompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxMetadataSize <= 0 {
		l.MaxMetadataSize = d.MaxMetadataSize
	}
	return l
}

// isBomb reports whether total uncompressed bytes from an archive of size
// compressed bytes break the decompression bomb bound.
func (l Limits) isBomb(total uint64, compressed int64) bool {
	if total <= uint64(l.MaxUncompressed) {
		return false
	}
	if compressed <= 0 {
		return true
	}
	return float64(total)/float64(compressed) > l.MaxRatio
}

// bombError is the refusal for an archive that breaks the bomb bound.
func bombError(l Limits) error {
	return invalidf("File is a decompression bomb: it expands to more than %d bytes at a ratio above %g", l.MaxUncompressed, l.MaxRatio)
}
