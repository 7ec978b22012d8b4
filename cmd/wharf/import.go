package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wharf"
	"wharf/auth/token"
	"wharf/publish"
)

// distExtensions are the endings of files import considers distributions;
// anything else under DIR (indexes, signatures) is ignored silently.
var distExtensions = []string{".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".egg", ".exe", ".msi"}

// importResult is the outcome for one file.
type importResult struct {
	path   string
	status string // "imported", "present" or "failed"
	reason string
}

// runImport uploads every distribution under DIR as the given user, through
// the same checks as the upload API. Re-running it is a no-op. It exits 1
// when any file failed, after importing all the others.
func runImport(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	user := fs.String("user", "", "the user the files are uploaded as (required)")
	// Imports wait on fsync more than on the CPU, so twice the cores helps.
	jobs := fs.Int("jobs", 2*runtime.NumCPU(), "files processed at once")
	quiet := fs.Bool("quiet", false, "no progress bar")
	a, pos, err := setup(ctx, fs, args, stderr, 1)
	if err != nil {
		return err
	}
	defer a.Close()
	if *user == "" || *jobs < 1 {
		return errUsage
	}
	var u *wharf.User
	err = a.store.View(ctx, func(tx wharf.Tx) error {
		u, err = tx.UserByName(ctx, *user)
		return err
	})
	if err != nil {
		return err
	}
	paths, err := findDistributions(pos[0])
	if err != nil {
		return err
	}
	start := time.Now()
	results := importAll(ctx, a, u, paths, *jobs, progressFunc(stderr, len(paths), *quiet))
	return reportImport(stdout, results, time.Since(start))
}

func findDistributions(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil // folders are walked; links and devices are ignored
		}
		for _, ext := range distExtensions {
			if strings.HasSuffix(d.Name(), ext) {
				paths = append(paths, p)
				break
			}
		}
		return nil
	})
	sort.Strings(paths)
	return paths, err
}

func importAll(ctx context.Context, a *app, u *wharf.User, paths []string, jobs int, progress func(int)) []importResult {
	results := make([]importResult, len(paths))
	pr := &publish.Principal{User: u, Claims: token.Claims{}}
	actor := wharf.Actor{UserID: u.ID, UserName: u.Name, UserAgent: "wharf-import"}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) || ctx.Err() != nil {
					return
				}
				results[i] = importOne(ctx, a, pr, actor, paths[i])
				progress(int(done.Add(1)))
			}
		}()
	}
	wg.Wait()
	return results
}

func importOne(ctx context.Context, a *app, pr *publish.Principal, actor wharf.Actor, path string) importResult {
	up, err := a.publish.LocalUpload(path)
	if err != nil {
		return importResult{path: path, status: "failed", reason: wharf.ErrorMessage(err)}
	}
	defer up.File.Remove()
	res, err := a.publish.Publish(ctx, pr, actor, up)
	switch {
	case err != nil:
		return importResult{path: path, status: "failed", reason: wharf.ErrorMessage(err)}
	case res.Duplicate:
		return importResult{path: path, status: "present"}
	default:
		return importResult{path: path, status: "imported"}
	}
}

// progressFunc draws a progress bar on w at most ten times a second.
func progressFunc(w io.Writer, total int, quiet bool) func(int) {
	var mu sync.Mutex
	var last time.Time
	return func(done int) {
		if quiet {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		filled := width
		if total > 0 {
			filled = done * width / total
		}
		fmt.Fprintf(w, "\rimporting [%s%s] %d/%d files", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

func reportImport(w io.Writer, results []importResult, took time.Duration) error {
	counts := map[string]int{}
	for _, r := range results {
		counts[r.status]++
		if r.status == "failed" {
			fmt.Fprintf(w, "skipped %s: %s\n", r.path, r.reason)
		}
	}
	rate := float64(len(results)) / took.Seconds()
	fmt.Fprintf(w, "imported %d, already present %d, failed %d, of %d files in %s (%.0f files/s)\n",
		counts["imported"], counts["present"], counts["failed"], len(results), took.Round(time.Millisecond), rate)
	if counts["failed"] > 0 {
		return errFailed
	}
	return nil
}
