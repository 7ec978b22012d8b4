package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/blake2b"

	"wharf/dist"
	"wharf/tlog/client"
)

// multiValue is a repeatable string flag.
type multiValue []string

func (m *multiValue) String() string     { return strings.Join(*m, ",") }
func (m *multiValue) Set(v string) error { *m = append(*m, v); return nil }

// runVerify checks files, or the pinned requirements of requirements
// files, against an index's transparency log: the checkpoint must be
// signed by the log's key (and cosigned by each --witness), consistent
// with the last checkpoint this user saw, and each file's record must be
// in it with exactly the file's hashes.
func runVerify(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	index := fs.String("index", "", "the index's base URL")
	vkey := fs.String("key", "", "the index's log verifier key (wharf log key)")
	stateDir := fs.String("state", filepath.Join(userDir(), "checkpoints"), "folder of checkpoints seen")
	var witnesses multiValue
	fs.Var(&witnesses, "witness", "a witness's verifier key whose cosignature is required (repeatable)")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) == 0 || *index == "" || *vkey == "" {
		return errUsage
	}
	// One bounded client for every request: a stalled index must not hang
	// the check.
	hc := &http.Client{Timeout: time.Minute}
	c, err := client.New(*index, *vkey, hc)
	if err != nil {
		return err
	}
	v := &verifier{ctx: ctx, c: c, http: hc, index: strings.TrimSuffix(*index, "/"), state: client.State{Dir: *stateDir}, out: stdout}
	if err := v.start(witnesses); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for _, p := range pos {
		if isRequirementsFile(p) {
			v.requirements(p)
		} else {
			v.file(p)
		}
	}
	if v.failed > 0 {
		fmt.Fprintf(stdout, "FAILED: %d of %d checks\n", v.failed, v.checked)
		return errFailed
	}
	fmt.Fprintf(stdout, "ok: %d files in %s's log (checkpoint %d)\n", v.checked, c.Name(), v.seen.Size)
	return nil
}

// isRequirementsFile tells a pip requirements file from a distribution.
func isRequirementsFile(p string) bool {
	return strings.HasSuffix(p, ".txt") || strings.HasSuffix(p, ".in")
}

// verifier holds one run's state.
type verifier struct {
	ctx     context.Context
	c       *client.Client
	http    *http.Client
	index   string
	state   client.State
	seen    *client.Checkpoint // the newest verified checkpoint
	out     io.Writer
	checked int
	failed  int
}

// start verifies the latest checkpoint and its consistency with the
// saved one.
func (v *verifier) start(witnesses []string) error {
	cp, err := v.c.Checkpoint(v.ctx, witnesses...)
	if err != nil {
		return err
	}
	for _, w := range witnesses {
		if !cosignedBy(cp, w) {
			return fmt.Errorf("checkpoint %d is not cosigned by witness %s", cp.Size, keyName(w))
		}
	}
	v.seen, err = v.state.Advance(v.ctx, v.c, cp)
	return err
}

// cosignedBy reports whether the witness key's name is among cp's verified
// cosignatures.
func cosignedBy(cp *client.Checkpoint, vkey string) bool {
	for _, n := range cp.Witnesses {
		if n == keyName(vkey) {
			return true
		}
	}
	return false
}

// keyName is the name part of a note verifier key.
func keyName(vkey string) string {
	name, _, _ := strings.Cut(vkey, "+")
	return name
}

// fail reports a failed check.
func (v *verifier) fail(what string, err error) {
	v.checked++
	v.failed++
	fmt.Fprintf(v.out, "FAIL %s: %v\n", what, err)
}

// check looks up filename in the log and compares its record with the
// expected hashes (blake2 may be empty), and with project and version when
// given. The lookup's checkpoint must be consistent with the ones seen.
func (v *verifier) check(filename, sha, blake2 string, size int64, project, version string) error {
	l, err := v.c.Lookup(v.ctx, filename)
	if err != nil {
		var se *client.StatusError
		if errors.As(err, &se) && se.Code == http.StatusNotFound {
			return fmt.Errorf("not in the log")
		}
		return err
	}
	r := l.Record
	switch {
	case r.SHA256 != sha:
		return fmt.Errorf("sha256 is %s, the log says %s (log index %d)", sha, r.SHA256, l.Index)
	case blake2 != "" && r.Blake2b256 != blake2:
		return fmt.Errorf("blake2b-256 is %s, the log says %s (log index %d)", blake2, r.Blake2b256, l.Index)
	case size >= 0 && r.Size != size:
		return fmt.Errorf("size is %d, the log says %d (log index %d)", size, r.Size, l.Index)
	case project != "" && r.Project != project:
		return fmt.Errorf("the log records it for project %s", r.Project)
	case version != "" && r.Version != version:
		return fmt.Errorf("the log records it for version %s", r.Version)
	}
	if err := v.c.CheckConsistent(v.ctx, v.seen.Checkpoint, l.Checkpoint.Checkpoint); err != nil {
		return err
	}
	if l.Checkpoint.Size > v.seen.Size {
		if v.seen, err = v.state.Advance(v.ctx, v.c, l.Checkpoint); err != nil {
			return err
		}
	}
	v.checked++
	fmt.Fprintf(v.out, "ok %s (log index %d)\n", filename, l.Index)
	return nil
}

// file verifies one local distribution file.
func (v *verifier) file(path string) {
	sha, b2, size, err := hashFile(path)
	if err != nil {
		v.fail(path, err)
		return
	}
	if err := v.check(filepath.Base(path), sha, b2, size, "", ""); err != nil {
		v.fail(filepath.Base(path), err)
	}
}

// hashFile returns a file's sha256 and blake2b-256 in hex, and its size.
func hashFile(path string) (sha, b2 string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", 0, err
	}
	defer f.Close()
	h1 := sha256.New()
	h2, _ := blake2b.New256(nil)
	size, err = io.Copy(io.MultiWriter(h1, h2), f)
	if err != nil {
		return "", "", 0, err
	}
	return hex.EncodeToString(h1.Sum(nil)), hex.EncodeToString(h2.Sum(nil)), size, nil
}

// pinned is one "name==version --hash=sha256:…" requirement.
type pinned struct {
	line    int
	name    string
	version string
	hashes  []string
}

// requirements verifies every hash of every pinned requirement of a
// requirements file: each must be the sha256 of a file of that project
// and version that the log records.
func (v *verifier) requirements(path string) {
	reqs, err := parseRequirements(path)
	if err != nil {
		v.fail(path, err)
		return
	}
	for _, r := range reqs {
		what := fmt.Sprintf("%s:%d %s==%s", path, r.line, r.name, r.version)
		files, err := v.releaseFiles(r.name, r.version)
		if err != nil {
			v.fail(what, err)
			continue
		}
		for _, h := range r.hashes {
			name, ok := files[h]
			if !ok {
				v.fail(what, fmt.Errorf("no file with sha256:%s", h))
				continue
			}
			if err := v.check(name, h, "", -1, dist.NormalizeName(r.name), ""); err != nil {
				v.fail(what+" "+name, err)
			}
		}
	}
}

// releaseFiles maps sha256 to filename for a release, from the JSON API.
// The JSON API is not trusted: it only says which filenames to look up.
func (v *verifier) releaseFiles(name, version string) (map[string]string, error) {
	u := v.index + "/pypi/" + url.PathEscape(dist.NormalizeName(name)) + "/" + url.PathEscape(version) + "/json"
	req, err := http.NewRequestWithContext(v.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the index has no release %s %s (%s)", name, version, resp.Status)
	}
	var doc struct {
		URLs []struct {
			Filename string            `json:"filename"`
			Digests  map[string]string `json:"digests"`
		} `json:"urls"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("the index's JSON API: %w", err)
	}
	out := map[string]string{}
	for _, f := range doc.URLs {
		out[f.Digests["sha256"]] = f.Filename
	}
	return out, nil
}

// parseRequirements reads the pinned requirements of a pip requirements
// file: "name==version" with one or more --hash=sha256:HEX options, lines
// joined by trailing backslashes, comments dropped. Unpinned or unhashed
// requirements are an error: there is nothing to verify them against.
func parseRequirements(path string) ([]pinned, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []pinned
	var logical string
	start, n := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		if logical == "" {
			start = n
		}
		if i := strings.Index(line, " #"); i >= 0 || strings.HasPrefix(strings.TrimSpace(line), "#") {
			if i < 0 {
				i = 0
			}
			line = line[:i]
		}
		if s, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), "\\"); ok {
			logical += s + " "
			continue
		}
		logical += line
		if strings.TrimSpace(logical) != "" && !strings.HasPrefix(strings.TrimSpace(logical), "-") {
			p, err := parsePinned(logical)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, start, err)
			}
			p.line = start
			out = append(out, p)
		}
		logical = ""
	}
	return out, sc.Err()
}

// parsePinned parses one logical requirement line.
func parsePinned(s string) (pinned, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return pinned{}, fmt.Errorf("empty requirement")
	}
	spec := fields[0]
	if i := strings.IndexAny(spec, ";"); i >= 0 {
		spec = spec[:i]
	}
	name, version, ok := strings.Cut(spec, "==")
	if !ok || name == "" || version == "" || strings.ContainsAny(version, "*,<>=!~") {
		return pinned{}, fmt.Errorf("%q is not pinned with ==", fields[0])
	}
	if i := strings.Index(name, "["); i >= 0 {
		name = name[:i]
	}
	p := pinned{name: name, version: version}
	for _, f := range fields[1:] {
		if h, ok := strings.CutPrefix(f, "--hash="); ok {
			if hexsum, ok := strings.CutPrefix(h, "sha256:"); ok && len(hexsum) == 64 {
				p.hashes = append(p.hashes, strings.ToLower(hexsum))
			}
		}
	}
	if len(p.hashes) == 0 {
		return pinned{}, fmt.Errorf("%s==%s has no --hash=sha256:… to verify", name, version)
	}
	return p, nil
}
