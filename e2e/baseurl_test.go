package e2e

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestBaseURLPrefix serves wharf under a path (--base-url ending in /idx),
// as behind a reverse proxy, and checks that twine and pip work through
// it, that every link the APIs give carries the prefix, and that nothing
// is served outside it.
func TestBaseURLPrefix(t *testing.T) {
	t.Parallel()
	base := buildDists(t, baseProject("1.0"))
	addr := freeAddr(t)
	s := startServerOn(t, t.TempDir(), addr, "--base-url", "http://"+addr+"/idx")
	s.prefix = "/idx"
	mustTwine(t, s, s.token(t, "alice"), base.all()...)

	status, files := s.simpleProject(t, "wharf-e2e-base")
	if status != http.StatusOK || len(files) != 2 {
		t.Fatalf("/idx/simple/wharf-e2e-base/: %d, %d files; want 200 and 2", status, len(files))
	}
	for _, f := range files {
		if !strings.HasPrefix(f.URL, "/idx/packages/") {
			t.Errorf("the JSON page links %s, want it under /idx/packages/", f.URL)
		}
	}
	_, html := s.get(t, "/idx/simple/wharf-e2e-base/", simpleHTML)
	for _, m := range anchorRE.FindAllStringSubmatch(string(html), -1) {
		if !strings.Contains(m[1], `href="/idx/packages/`) {
			t.Errorf("the HTML page links %s, want it under /idx/packages/", m[1])
		}
	}
	var proj struct {
		URLs []struct {
			URL string `json:"url"`
		} `json:"urls"`
	}
	getJSON(t, s, "/idx/pypi/wharf-e2e-base/json", &proj)
	for _, u := range proj.URLs {
		if !strings.HasPrefix(u.URL, "http://"+addr+"/idx/packages/") {
			t.Errorf("the JSON API gives %s, want an absolute URL under the base URL", u.URL)
		}
	}
	for _, path := range []string{"/simple/wharf-e2e-base/", "/pypi/wharf-e2e-base/json", "/legacy/"} {
		if resp, _ := s.get(t, path, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s outside the prefix: %s, want 404", path, resp.Status)
		}
	}
	target, r := pipTarget(t, s, "wharf-e2e-base")
	if got := installedVersion(t, target, "wharf-e2e-base"); r.code != 0 || got != "1.0" {
		t.Errorf("pip install through the prefix installed %q: %s", got, r)
	}
}

// freeAddr returns a loopback address with a port that was free a moment
// ago, for a server that must know its address before it starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
