// Package archive reads uploaded Python distributions as hostile input and
// returns their core metadata, byte for byte, so that it can be served as a
// PEP 658 ".metadata" file.
//
// Wheel inspects a wheel and Sdist inspects a ".tar.gz" or ".zip" source
// distribution. Both read through an io.ReaderAt and never hold the whole
// archive in memory: memory stays bounded by the Limits whatever the input.
//
// Every refusal is an *InvalidError whose message is safe to show to the
// uploader, in PyPI's tone ("Invalid distribution file. ..."). Any other
// error means the upload could not be read (an I/O failure of the
// io.ReaderAt) and is not the uploader's fault.
//
// ZIP archives (wheels and ".zip" sdists) are framed strictly, because
// different unzip tools must never see different contents in the same file:
//
//   - the End Of Central Directory record must end the file, its comment
//     reaching exactly to the end; a second record that could also be taken
//     as the end is refused as ambiguous;
//   - ZIP64 is accepted, but its records must agree with the classic ones
//     and sit exactly before them;
//   - local file entries must start at offset 0 and follow each other with
//     no gap and no overlap, and the central directory must start where the
//     last one ends (so no prepended, hidden or trailing data);
//   - every local header must agree with its central directory entry (name,
//     flags, method, and CRC and sizes unless a data descriptor is used, in
//     which case the descriptor must agree);
//   - names must be unique (exact comparison), valid UTF-8 (with the UTF-8
//     flag when not ASCII), relative, without "." or ".." components,
//     backslashes, drive letters, empty components or control characters;
//   - only stored and deflate entries are accepted, never encrypted ones;
//   - symbolic links and other special files are checked like any entry but
//     otherwise ignored: they never count as a METADATA or PKG-INFO file.
//
// The decompression bomb bound uses the declared uncompressed sizes of all
// entries: when their total exceeds Limits.MaxUncompressed and the ratio of
// that total to the archive size exceeds Limits.MaxRatio, the archive is
// refused. Only the metadata file is decompressed; its real size and CRC are
// checked against the declared ones, and its deflate stream must end exactly
// at its declared compressed size. Declared sizes of other entries may lie
// only downward, which readers that honour declared sizes (Python's zipfile,
// pip) turn into a CRC or size error rather than a bomb.
//
// Tar sdists are read as a stream. Decompressed bytes are counted as they
// arrive and the bomb bound is applied on the fly. Several concatenated gzip
// members are accepted, as gzip(1) and Python do; anything after the last
// member is refused, and so is anything but zero padding after the tar
// end-of-archive marker. Symbolic links, hard links and devices are checked
// for their names but never followed. All entries must sit under a single
// top-level folder (a leading "./" is tolerated, and a pax global header is
// fine), and "<top>/PKG-INFO" must appear exactly once as a regular file.
package archive
