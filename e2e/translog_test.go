package e2e

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// writeWheel writes an in-memory wheel into dir and returns its path.
func writeWheel(t testing.TB, dir string, w wheel) string {
	t.Helper()
	p := filepath.Join(dir, w.filename)
	if err := os.WriteFile(p, w.data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// verify runs "wharf verify" against s with the given key and state folder.
func verify(t testing.TB, s *server, key, state string, args ...string) result {
	t.Helper()
	return run(t, "", wharfEnv(), wharfBin, append([]string{"verify", "--index", s.url + s.prefix, "--key", key, "--state", state}, args...)...)
}

// TestTransparencyLog publishes with twine, then checks the log from the
// outside: "wharf verify" accepts the uploaded files and a hashed
// requirements file, and refuses a changed file, a wrong hash, a
// checkpoint signed by another key, and a checkpoint not cosigned by a
// required witness; "wharf log witness" cosigns and the server serves the
// cosignature.
func TestTransparencyLog(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	witnessKey := filepath.Join(dir, "witness.key")
	wvkey := strings.TrimSpace(run(t, "", wharfEnv(), wharfBin, "log", "witness-key", "--witness-key", witnessKey, "--name", "witness.test").stdout)
	if !strings.HasPrefix(wvkey, "witness.test+") {
		t.Fatalf("wharf log witness-key printed %q", wvkey)
	}
	config := filepath.Join(dir, "wharf.toml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf("[log]\nname = \"e2e.test/wharf\"\nwitnesses = [%q]\n", wvkey)), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServerOn(t, filepath.Join(dir, "data"), "127.0.0.1:0", "--config", config)
	w1, w2 := makeWheel(t, "wharf-e2e-tl", "1.0", "one", 0), makeWheel(t, "wharf-e2e-tl", "1.1", "two", 0)
	p1, p2 := writeWheel(t, dir, w1), writeWheel(t, dir, w2)
	mustTwine(t, s, s.token(t, "alice"), p1, p2)

	key := strings.TrimSpace(s.mustWharf(t, "log", "key").stdout)
	if !strings.HasPrefix(key, "e2e.test/wharf+") {
		t.Fatalf("wharf log key printed %q", key)
	}
	state := filepath.Join(dir, "state")
	if r := verify(t, s, key, state, p1, p2); r.code != 0 || !strings.Contains(r.stdout, "ok: 2 files") {
		t.Fatalf("verify of the uploaded files: %s", r)
	}
	var doc struct {
		URLs []struct {
			LogIndex *int64 `json:"log_index"`
		} `json:"urls"`
	}
	getJSON(t, s, "/pypi/wharf-e2e-tl/1.0/json", &doc)
	if len(doc.URLs) != 1 || doc.URLs[0].LogIndex == nil || *doc.URLs[0].LogIndex != 0 {
		t.Errorf("JSON API file entry log_index = %+v, want 0", doc.URLs)
	}

	reqs := filepath.Join(dir, "requirements.txt")
	os.WriteFile(reqs, []byte("# pinned\nwharf-e2e-tl==1.1 \\\n    --hash=sha256:"+w2.sha256()+"\n"), 0o644)
	if r := verify(t, s, key, state, reqs); r.code != 0 {
		t.Errorf("verify of a hashed requirements file: %s", r)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("wharf-e2e-tl==1.1 --hash=sha256:"+w1.sha256()+"\n"), 0o644)
	if r := verify(t, s, key, state, bad); r.code == 0 || !strings.Contains(r.stdout, "no file with sha256:"+w1.sha256()) {
		t.Errorf("verify of a requirement with another release's hash: %s", r)
	}

	// A file changed after download no longer matches its record.
	changed := filepath.Join(t.TempDir(), w1.filename)
	os.WriteFile(changed, append([]byte{}, append(w1.data, 0)...), 0o644)
	if r := verify(t, s, key, state, changed); r.code == 0 || !strings.Contains(r.stdout, "the log says "+w1.sha256()) {
		t.Errorf("verify of a changed file: %s", r)
	}
	// A checkpoint signed by another key is refused.
	other := strings.TrimSpace(runWharf(t, filepath.Join(dir, "other"), "log", "key").stdout)
	if r := verify(t, s, other, state, p1); r.code == 0 || !strings.Contains(r.output(), "not signed") {
		t.Errorf("verify with another log's key: %s", r)
	}

	// The witness cosigns; verify can then require its cosignature, until
	// the log grows past the cosigned checkpoint.
	if r := verify(t, s, key, state, "--witness", wvkey, p1); r.code == 0 || !strings.Contains(r.output(), "not cosigned") {
		t.Errorf("verify requiring a witness before it cosigned: %s", r)
	}
	witness := run(t, "", wharfEnv(), wharfBin, "log", "witness", "--index", s.url, "--key", key, "--witness-key", witnessKey, "--state", filepath.Join(dir, "wstate"))
	if witness.code != 0 || !strings.Contains(witness.stdout, "cosigned checkpoint 2 of e2e.test/wharf as witness.test") {
		t.Fatalf("wharf log witness: %s", witness)
	}
	if r := verify(t, s, key, state, "--witness", wvkey, p1); r.code != 0 {
		t.Errorf("verify requiring the witness after it cosigned: %s", r)
	}
	_, body := s.get(t, "/log/checkpoint", "")
	if !strings.Contains(string(body), "\n— witness.test ") {
		t.Errorf("served checkpoint lacks the cosignature:\n%s", body)
	}

	// A blob changed on disk is served as it is now; the downloaded file
	// then fails verification against its record.
	sum := w1.sha256()
	blob := filepath.Join(s.data, "blobs", "sha256", sum[:2], sum[2:4], sum)
	good, err := os.ReadFile(blob)
	if err != nil {
		t.Fatal(err)
	}
	spoilt := append([]byte{}, good...)
	spoilt[len(spoilt)/2] ^= 0xff
	if err := os.WriteFile(blob, spoilt, 0o644); err != nil {
		t.Fatal(err)
	}
	resp, got := s.get(t, "/packages/"+sum[:2]+"/"+sum[2:4]+"/"+sum[4:]+"/"+w1.filename, "")
	download := filepath.Join(t.TempDir(), w1.filename)
	os.WriteFile(download, got, 0o644)
	if r := verify(t, s, key, state, download); resp.StatusCode != 200 || r.code == 0 || !strings.Contains(r.stdout, "the log says "+sum) {
		t.Errorf("verify of a download of a blob changed on disk (status %d): %s", resp.StatusCode, r)
	}
	if r := s.wharf(t, "fsck"); r.code != 1 || !strings.Contains(r.stdout, "blob does not match its record") {
		t.Errorf("fsck of a blob changed on disk: %s", r)
	}
	os.WriteFile(blob, good, 0o644) // for the cleanup's fsck
}

// TestTransparencyLogTampering damages a stopped server's data and checks
// that "wharf log audit" and "wharf fsck" report it, and that a rolled-back
// and re-grown log (a fork) is caught by "wharf verify" against the
// checkpoint it saw before.
func TestTransparencyLogTampering(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	s := startServer(t, data)
	tok := s.token(t, "alice")
	w1, w2, w3 := makeWheel(t, "wharf-e2e-tt", "1.0", "one", 0), makeWheel(t, "wharf-e2e-tt", "2.0", "two", 0), makeWheel(t, "wharf-e2e-tt", "2.0", "fork", 10)
	mustTwine(t, s, tok, writeWheel(t, dir, w1))
	key := strings.TrimSpace(s.mustWharf(t, "log", "key").stdout)
	s.stop()
	backup := filepath.Join(dir, "backup")
	if out, err := exec.Command("cp", "-a", data, backup).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}

	s = startServer(t, data)
	p2 := writeWheel(t, dir, w2)
	mustTwine(t, s, tok, p2)
	state := filepath.Join(dir, "state")
	if r := verify(t, s, key, state, p2); r.code != 0 {
		t.Fatalf("verify before the fork: %s", r)
	}
	s.stop()

	// The rogue operator restores the backup (the same key, an older log)
	// and publishes different bytes as the same release: a split view.
	fork := startServer(t, backup)
	forkDir := t.TempDir()
	p3 := writeWheel(t, forkDir, w3)
	mustTwine(t, fork, tok, p3)
	if r := verify(t, fork, key, state, p3); r.code == 0 || !strings.Contains(r.output(), "forked") {
		t.Errorf("verify against a forked log: %s", r)
	}
	fork.stop()

	// A hash changed in the database: fsck's blob check cannot see it (the
	// blob is intact) but the log audit can.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "wharf.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sha, b2 string
	if err := db.QueryRow(`SELECT sha256, blake2b_256 FROM files WHERE filename = ?`, w2.filename).Scan(&sha, &b2); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE files SET sha256 = ?, blake2b_256 = ? WHERE filename = ?`, strings.Repeat("a", 64), strings.Repeat("b", 64), w2.filename); err != nil {
		t.Fatal(err)
	}
	if r := runWharf(t, data, "log", "audit"); r.code != 1 || !strings.Contains(r.stdout, "sha256 is") {
		t.Errorf("wharf log audit after a hash change in the database: %s", r)
	}
	if r := runWharf(t, data, "fsck"); r.code != 1 || !strings.Contains(r.stdout, "transparency log") {
		t.Errorf("wharf fsck after a hash change in the database: %s", r)
	}
	// Put it back so the cleanup's fsck passes.
	if _, err := db.Exec(`UPDATE files SET sha256 = ?, blake2b_256 = ? WHERE filename = ?`, sha, b2, w2.filename); err != nil {
		t.Fatal(err)
	}
	if r := runWharf(t, data, "log", "audit"); r.code != 0 {
		t.Errorf("wharf log audit after the repair: %s", r)
	}
}
