package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCrashDuringUploads kills the server with SIGKILL while uploads are
// in flight, a few rounds over the same data folder, and checks after each
// crash that "wharf fsck" finds no damage, that every upload that was
// answered 200 is listed with its sha256 and downloads intact, and that
// every upload that was cut off can simply be sent again.
func TestCrashDuringUploads(t *testing.T) {
	t.Parallel()
	const (
		rounds  = 3
		uploads = 16
	)
	data := t.TempDir()
	s := startServer(t, data)
	token := s.token(t, "alice")
	var kept []wheel // uploads answered 200, over all rounds
	for round := 1; round <= rounds; round++ {
		// Each round kills at a later point: after 3, 6, then 9 successes.
		ok, cut := crashRound(t, s, token, round, uploads, 3*round)
		if len(cut) == 0 {
			t.Errorf("round %d: every upload finished before the kill; the round tested nothing", round)
		}
		kept = append(kept, ok...)

		fsck := runWharf(t, data, "fsck")
		if fsck.code != 0 || !strings.Contains(fsck.stdout, " 0 problems") {
			t.Fatalf("round %d: wharf fsck after the crash: %s", round, fsck)
		}
		s = startServer(t, data)
		s.orphansOK = true
		for _, w := range kept {
			checkStored(t, s, w)
		}
		// An upload committed just before the kill, its answer unsent, is
		// listed now; sending it again is then a no-op success.
		unanswered := 0
		for _, w := range cut {
			if status, files := s.simpleProject(t, w.name); status == http.StatusOK && slices.Contains(filenames(files), w.filename) {
				unanswered++
			}
		}
		t.Logf("round %d: %d uploads answered 200 before the kill, %d cut off, of which %d were stored", round, len(ok), len(cut), unanswered)
		for _, w := range cut {
			ct, body := uploadForm{whl: w}.encode(t)
			resp, err := postUpload(t.Context(), s.url+"/legacy/", token, ct, bytes.NewReader(body))
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("round %d: sending %s again after the restart: %v %v", round, w.filename, statusOf(resp), err)
			}
			checkStored(t, s, w)
			kept = append(kept, w)
		}
	}
	if fsck := runWharf(t, data, "fsck"); fsck.code != 0 || !strings.Contains(fsck.stdout, " 0 problems") {
		t.Errorf("wharf fsck at the end: %s", fsck)
	}
	first := kept[0]
	target, r := pipTarget(t, s, first.name)
	if got := installedVersion(t, target, first.name); r.code != 0 || got != first.version {
		t.Errorf("pip install %s after %d crashes installed %q: %s", first.name, rounds, got, r)
	}
}

// crashRound starts uploads of distinct wheels at once, each sending its
// body slowly and at its own pace, kills the server once killAfterOKs were
// answered 200, and returns the wheels answered 200 and those cut off.
func crashRound(t *testing.T, s *server, token string, round, uploads, killAfterOKs int) (ok, cut []wheel) {
	t.Helper()
	type attempt struct {
		whl    wheel
		ct     string
		body   []byte
		status int
		err    error
	}
	attempts := make([]*attempt, uploads)
	for i := range attempts {
		w := makeWheel(t, fmt.Sprintf("wharf-crash-r%d-p%02d", round, i), "1.0", fmt.Sprintf("round %d upload %d", round, i), 32<<10)
		ct, body := uploadForm{whl: w}.encode(t)
		attempts[i] = &attempt{whl: w, ct: ct, body: body}
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	oks := make(chan struct{}, uploads)
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Upload i takes about 35 + 17i ms to send: they finish one
			// after another, so the kill finds them at every stage. The
			// last one takes seconds, so that at least one is cut off
			// even when a loaded machine lets the others all finish.
			pause := time.Duration(2+i) * time.Millisecond
			if i == len(attempts)-1 {
				pause = 200 * time.Millisecond
			}
			body := &slowReader{ctx: ctx, b: a.body, chunk: 2 << 10, pause: pause}
			resp, err := postUpload(ctx, s.url+"/legacy/", token, a.ct, body)
			a.err = err
			if resp != nil {
				a.status = resp.StatusCode
			}
			if a.status == http.StatusOK {
				oks <- struct{}{}
			}
		}()
	}
	for n := 0; n < killAfterOKs; n++ {
		select {
		case <-oks:
		case <-ctx.Done():
			wg.Wait()
			t.Fatalf("round %d: fewer than %d uploads succeeded before the deadline", round, killAfterOKs)
		}
	}
	s.kill(t)
	wg.Wait()
	for _, a := range attempts {
		switch {
		case a.status == http.StatusOK:
			ok = append(ok, a.whl)
		case a.status != 0:
			t.Errorf("round %d: %s was answered %d, want 200 or a cut connection", round, a.whl.filename, a.status)
		default:
			cut = append(cut, a.whl)
		}
	}
	return ok, cut
}

// checkStored checks that the wheel is listed on its project's Simple page
// with its sha256 and that its URL serves exactly its bytes.
func checkStored(t *testing.T, s *server, w wheel) {
	t.Helper()
	status, files := s.simpleProject(t, w.name)
	if status != http.StatusOK {
		t.Errorf("/simple/%s/: %d, want 200 for an upload answered 200", w.name, status)
		return
	}
	for _, f := range files {
		if f.Filename != w.filename {
			continue
		}
		if f.Hashes["sha256"] != w.sha256() {
			t.Errorf("%s is listed with sha256 %s, want %s", w.filename, f.Hashes["sha256"], w.sha256())
		}
		resp, body := s.get(t, f.URL, "")
		sum := sha256.Sum256(body)
		if resp.StatusCode != http.StatusOK || hex.EncodeToString(sum[:]) != w.sha256() {
			t.Errorf("GET %s: %s, %d bytes with sha256 %x; want 200 and %s", f.URL, resp.Status, len(body), sum, w.sha256())
		}
		return
	}
	t.Errorf("/simple/%s/ does not list %s", w.name, w.filename)
}

// statusOf is resp's status line, or "no response".
func statusOf(resp *http.Response) string {
	if resp == nil {
		return "no response"
	}
	return resp.Status
}
