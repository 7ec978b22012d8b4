// Command gen writes the load benchmark's data: a pypiserver-style flat
// folder of tiny but valid wheels, one per release of each project.
//
//	go run ./bench/gen -out DIR -projects 10000 -releases 5
//
// Project i is named bench-pkg-NNNNN and has versions 1.0.0 up to
// 1.0.(releases-1). Every wheel is a real zip holding a module and a
// <name>-<version>.dist-info folder with METADATA (Metadata-Version 2.1),
// WHEEL and a RECORD whose hashes are right, so that wharf import accepts
// it through the same checks as an upload. The output is deterministic:
// the same flags always give byte-identical files.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	out := flag.String("out", "", "folder to write the wheels into (created if missing)")
	projects := flag.Int("projects", 10000, "number of projects")
	releases := flag.Int("releases", 5, "releases (one wheel each) per project")
	jobs := flag.Int("jobs", runtime.NumCPU(), "wheels written at once")
	flag.Parse()
	if *out == "" || *projects < 1 || *releases < 1 || *jobs < 1 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -out DIR [-projects N] [-releases N] [-jobs N]")
		os.Exit(2)
	}
	start := time.Now()
	if err := generate(*out, *projects, *releases, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("gen: wrote %d wheels to %s in %s\n", *projects**releases, *out, time.Since(start).Round(time.Millisecond))
}

// generate writes every wheel with jobs workers, stopping at the first error.
func generate(dir string, projects, releases, jobs int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	width := max(5, len(strconv.Itoa(projects)))
	total := int64(projects) * int64(releases)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= total {
					return
				}
				name := fmt.Sprintf("bench-pkg-%0*d", width, i/int64(releases)+1)
				version := fmt.Sprintf("1.0.%d", i%int64(releases))
				if err := writeWheel(dir, name, version); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					next.Store(total) // stop the other workers too
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// wheelTime is every member's modification time, fixed so that output is
// reproducible.
var wheelTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// writeWheel builds one wheel in memory and writes it under its wheel
// filename (PEP 427: the name with runs of "-" escaped as "_").
func writeWheel(dir, name, version string) error {
	escaped := strings.ReplaceAll(name, "-", "_")
	distInfo := escaped + "-" + version + ".dist-info"
	members := []struct{ path, body string }{
		{escaped + "/__init__.py", fmt.Sprintf("__version__ = %q\n", version)},
		{distInfo + "/METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version +
			"\nSummary: Load benchmark package " + name + "\nRequires-Python: >=3.8\n\n"},
		{distInfo + "/WHEEL", "Wheel-Version: 1.0\nGenerator: wharf-bench-gen\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}
	var record strings.Builder
	for _, m := range members {
		sum := sha256.Sum256([]byte(m.body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", m.path, base64.RawURLEncoding.EncodeToString(sum[:]), len(m.body))
	}
	record.WriteString(distInfo + "/RECORD,,\n")
	members = append(members, struct{ path, body string }{distInfo + "/RECORD", record.String()})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.path, Method: zip.Deflate, Modified: wheelTime})
		if err != nil {
			return err
		}
		if _, err := w.Write([]byte(m.body)); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	path := filepath.Join(dir, escaped+"-"+version+"-py3-none-any.whl")
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
