package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUploadPolicy checks the default two-factor policy through twine: a
// person's token is refused while they have no second factor, with the
// reason shown by twine; a service account's token is accepted; and a
// server configured with require_2fa = "off" accepts the person's token.
func TestUploadPolicy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := makeWheel(t, "wharf-e2e-policy", "1.0", "one", 0)
	p := writeWheel(t, dir, w)
	s := startServer(t, filepath.Join(dir, "data"))
	s.mustWharf(t, "user", "create", "carol", "--email", "carol@example.org")
	carol := strings.TrimSpace(s.mustWharf(t, "token", "create", "carol").stdout)
	r := twine(t, s, "__token__", carol, nil, p)
	if r.code == 0 || !strings.Contains(r.output(), "403") || !strings.Contains(r.output(), "does not have two-factor authentication enabled") {
		t.Errorf("twine upload with the token of a person without 2FA: %s", r)
	}
	mustTwine(t, s, s.token(t, "ci-bot"), p)
	s.stop()

	off := startServerOn(t, filepath.Join(dir, "data"), "127.0.0.1:0", "--config", writeConfig(t, dir, "[accounts]\nrequire_2fa = \"off\"\n"))
	p2 := writeWheel(t, dir, makeWheel(t, "wharf-e2e-policy-person", "1.0", "two", 0))
	mustTwine(t, off, carol, p2)
}

// writeConfig writes a wharf.toml into dir and returns its path.
func writeConfig(t testing.TB, dir, text string) string {
	t.Helper()
	p := filepath.Join(dir, "wharf.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
