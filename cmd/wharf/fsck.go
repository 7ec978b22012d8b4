package main

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"
	"time"

	"golang.org/x/crypto/blake2b"

	"wharf"
	"wharf/manage"
)

// runFsck checks every file row against its blobs (present, right size,
// right sha256, blake2b-256 and md5) and every blob against the rows. A
// missing or damaged blob is a problem (exit 1); an unreferenced blob is
// only a note, since a crash between a blob write and its commit leaves
// one harmlessly; --repair removes those older than an hour.
func runFsck(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fsck", flag.ContinueOnError)
	repair := fs.Bool("repair", false, "remove unreferenced blobs older than an hour")
	a, _, err := setup(ctx, fs, args, stderr, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	referenced := map[string]bool{}
	var files []wharf.File
	err = a.store.View(ctx, func(tx wharf.Tx) error {
		return tx.EachFile(ctx, func(f wharf.File) error {
			files = append(files, f)
			return nil
		})
	})
	if err != nil {
		return err
	}
	problems := 0
	report := func(format string, args ...any) {
		problems++
		fmt.Fprintf(stdout, "PROBLEM: "+format+"\n", args...)
	}
	for _, f := range files {
		referenced[wharf.BlobKey(f.SHA256)] = true
		if msg := checkBlob(ctx, a.blobs, f.SHA256, f.Size, f.Blake2b256, f.MD5); msg != "" {
			report("%s: %s", f.Filename, msg)
		}
		if f.MetadataSHA256 != "" {
			referenced[wharf.BlobKey(f.MetadataSHA256)] = true
			if msg := checkBlob(ctx, a.blobs, f.MetadataSHA256, f.MetadataSize, "", ""); msg != "" {
				report("%s.metadata: %s", f.Filename, msg)
			}
		}
	}
	orphans, removed := 0, 0
	err = a.blobs.Walk(ctx, func(info wharf.BlobInfo) error {
		if referenced[info.Key] {
			return nil
		}
		orphans++
		old := time.Since(info.ModTime) > time.Hour
		fmt.Fprintf(stdout, "note: unreferenced blob %s (%d bytes)\n", info.Key, info.Size)
		if *repair && old {
			// An upload may have committed a file using this blob since
			// the files were listed: DropUnreferenced checks again under
			// the write transaction.
			n, err := manage.DropUnreferenced(ctx, a.store, a.blobs, []string{path.Base(info.Key)})
			if err != nil {
				return err
			}
			removed += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The log is audited too: a hash changed in the database agrees with
	// its blob but not with the file's log record.
	rep, err := a.tlog.Audit(ctx)
	if err != nil {
		return err
	}
	problems += len(rep.Problems)
	printAudit(stdout, rep)
	fmt.Fprintf(stdout, "checked %d files: %d problems, %d unreferenced blobs", len(files), problems, orphans)
	if *repair {
		fmt.Fprintf(stdout, " (%d removed)", removed)
	}
	fmt.Fprintln(stdout)
	if problems > 0 {
		return errFailed
	}
	return nil
}

// checkBlob reads a blob and compares it with the recorded size and
// digests (blake2b and md5 when given); it returns "" when all agree.
func checkBlob(ctx context.Context, blobs wharf.BlobStore, sha string, size int64, b2, md string) string {
	blob, err := blobs.Open(ctx, wharf.BlobKey(sha))
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		return "blob is missing"
	}
	if err != nil {
		return "blob cannot be opened: " + userMessage(err)
	}
	defer blob.Close()
	hs := map[string]hash.Hash{"sha256": sha256.New(), "md5": md5.New()}
	hs["blake2b_256"], _ = blake2b.New256(nil)
	w := io.MultiWriter(hs["sha256"], hs["md5"], hs["blake2b_256"])
	n, err := io.Copy(w, blob)
	if err != nil {
		return "blob cannot be read: " + userMessage(err)
	}
	var bad []string
	if n != size {
		bad = append(bad, fmt.Sprintf("size %d, recorded %d", n, size))
	}
	for _, d := range [][2]string{{"sha256", sha}, {"blake2b_256", b2}, {"md5", md}} {
		if got := hex.EncodeToString(hs[d[0]].Sum(nil)); d[1] != "" && got != d[1] {
			bad = append(bad, fmt.Sprintf("%s %s, recorded %s", d[0], got, d[1]))
		}
	}
	if len(bad) > 0 {
		return "blob does not match its record: " + strings.Join(bad, "; ")
	}
	return ""
}
