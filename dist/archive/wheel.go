package archive

import (
	"io"
	"strings"
)

// Wheel inspects the wheel in r, size bytes long, and returns the bytes of
// its "<name>-<version>.dist-info/METADATA" file. name and version are the
// escaped name and version from the wheel's filename. The archive must hold
// exactly one top-level .dist-info folder, whose name must match them once
// both are lowercased and runs of "-", "_" and "." become "_", and that
// folder must hold METADATA, WHEEL and RECORD as regular files.
//
// A refused wheel gives an *InvalidError; any other error is a failure to
// read r.
func Wheel(r io.ReaderAt, size int64, name, version string, lim Limits) ([]byte, error) {
	g := &guardedReaderAt{r: r}
	md, err := wheelMetadata(g, size, name, version, lim.withDefaults())
	if err != nil {
		return nil, g.finish(err)
	}
	return md, nil
}

func wheelMetadata(r io.ReaderAt, size int64, name, version string, lim Limits) ([]byte, error) {
	z, err := openZip(r, size, lim)
	if err != nil {
		return nil, err
	}
	distInfo, err := findDistInfo(z, name, version)
	if err != nil {
		return nil, err
	}
	for _, file := range []string{"METADATA", "WHEEL", "RECORD"} {
		path := distInfo + "/" + file
		if e := z.find(path); e == nil || !e.isRegular() {
			return nil, invalidf("Wheel does not contain the required %s file: %s", file, quote(path))
		}
	}
	return z.readEntry(z.find(distInfo+"/METADATA"), lim.MaxMetadataSize)
}

// findDistInfo returns the name of the single top-level .dist-info folder of
// the wheel, checking that it matches name and version.
func findDistInfo(z *zipArchive, name, version string) (string, error) {
	var found []string
	for i := range z.entries {
		top, _, _ := strings.Cut(z.entries[i].name, "/")
		if strings.HasSuffix(top, ".dist-info") && !containsString(found, top) {
			found = append(found, top)
			if len(found) > 1 {
				return "", invalidf("Wheel contains more than one .dist-info directory: %s and %s", quote(found[0]), quote(found[1]))
			}
		}
	}
	want := name + "-" + version + ".dist-info"
	if len(found) == 0 {
		return "", invalidf("Wheel does not contain a .dist-info directory; expected %s", quote(want))
	}
	stem := strings.TrimSuffix(found[0], ".dist-info")
	if normalizeDistName(stem) != normalizeDistName(name+"-"+version) {
		return "", invalidf("Wheel's .dist-info directory %s does not match its filename; expected %s", quote(found[0]), quote(want))
	}
	return found[0], nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
