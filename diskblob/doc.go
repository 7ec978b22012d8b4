// Package diskblob implements wharf.BlobStore on a folder of the local file
// system.
//
// A blob with key "sha256/ab/cd/<hex>" is the file <Dir>/sha256/ab/cd/<hex>.
// Put writes into a temporary file in <Dir>/tmp, which lies on the same file
// system, syncs it, renames it into place and syncs the directory, so that a
// blob appears whole or not at all and survives a crash once Put returns.
// Files are created 0600 and folders 0700.
//
// Several processes may share one folder, for example the server and a CLI
// command run beside it: content addressing makes concurrent writers of a key
// agree, and rename is atomic. A crash can leave files in <Dir>/tmp; Open
// removes those older than an hour and keeps newer ones, which may belong to
// a Put in progress in another process.
package diskblob
