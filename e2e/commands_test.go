package e2e

import (
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCommandsWhileServing runs management commands against the data
// folder of a running server and checks that uploaders and installers see
// their effect: a deleted file disappears within journalDelay and its name
// stays reserved; a maintainer role granted, and then removed, decides
// whether a second user may upload; a revoked token stops working at once.
func TestCommandsWhileServing(t *testing.T) {
	t.Parallel()
	b10, b11 := buildDists(t, baseProject("1.0")), buildDists(t, baseProject("1.1"))
	s := startServer(t, t.TempDir())
	alice := s.token(t, "alice")
	mustTwine(t, s, alice, b10.all()...)

	t.Run("delete a file", func(t *testing.T) { deleteWhileServing(t, s, alice, b10) })
	t.Run("maintainer role", func(t *testing.T) { roleWhileServing(t, s, b11) })
	t.Run("revoke a token", func(t *testing.T) { revokeWhileServing(t, s, alice, b11) })
}

func deleteWhileServing(t *testing.T, s *server, token string, d dists) {
	wheelName := filepath.Base(d.wheel)
	status, files := s.simpleProject(t, "wharf-e2e-base") // cached from here on
	i := slices.IndexFunc(files, func(f simpleFile) bool { return f.Filename == wheelName })
	if status != http.StatusOK || i < 0 {
		t.Fatalf("/simple/wharf-e2e-base/ (%d) does not list %s: %v", status, wheelName, files)
	}
	url := files[i].URL
	s.mustWharf(t, "delete", "wharf-e2e-base", "1.0", wheelName)
	waitFor(t, journalDelay, "the deleted wheel leaves the page", func() (bool, string) {
		_, files := s.simpleProject(t, "wharf-e2e-base")
		names := filenames(files)
		return slices.Equal(names, []string{filepath.Base(d.sdist)}), "listed: " + strings.Join(names, ", ")
	})
	if resp, _ := s.get(t, url, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET %s of the deleted file: %s, want 404", url, resp.Status)
	}
	runTwineSteps(t, s, []twineStep{{name: "upload it again", password: token, files: []string{d.wheel}, status: 400,
		want: []string{"400", "This filename has already been used, use a different version."}}})
}

func roleWhileServing(t *testing.T, s *server, d dists) {
	bob := s.token(t, "bob")
	role := func(r string) func(t *testing.T) {
		return func(t *testing.T) { s.mustWharf(t, "project", "role", "wharf-e2e-base", "bob", r) }
	}
	refused := []string{"403", "bob", "isn't allowed to upload to project", "wharf-e2e-base"} // names without their quotes
	runTwineSteps(t, s, []twineStep{
		{name: "no role", password: bob, files: []string{d.wheel}, status: 403, want: refused},
		{name: "maintainer", before: role("maintainer"), password: bob, files: []string{d.wheel}, wantOK: true, status: 200},
		{name: "removed", before: role("remove"), password: bob, files: []string{d.sdist}, status: 403, want: refused},
	})
	_, files := s.simpleProject(t, "wharf-e2e-base")
	names := filenames(files)
	if !slices.Contains(names, filepath.Base(d.wheel)) || slices.Contains(names, filepath.Base(d.sdist)) {
		t.Errorf("/simple/wharf-e2e-base/ lists %v; want bob's wheel and not the refused sdist", names)
	}
}

func revokeWhileServing(t *testing.T, s *server, other string, d dists) {
	created := s.mustWharf(t, "token", "create", "alice", "--description", "to revoke")
	tok := strings.TrimSpace(created.stdout)
	m := regexp.MustCompile(`created token (\S+) for alice`).FindStringSubmatch(created.stderr)
	if m == nil {
		t.Fatalf("wharf token create did not say the token's id: %s", created)
	}
	s.mustWharf(t, "token", "revoke", m[1])
	runTwineSteps(t, s, []twineStep{
		{name: "revoked", password: tok, files: []string{d.sdist}, status: 403, want: []string{"403", "Invalid API Token: token has been revoked"}},
		{name: "the user's other token", password: other, files: []string{d.sdist}, wantOK: true, status: 200},
	})
}

func filenames(files []simpleFile) []string {
	var names []string
	for _, f := range files {
		names = append(names, f.Filename)
	}
	return names
}
