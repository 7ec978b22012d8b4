package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// publishApp starts a server and uploads wharf-e2e-base 1.0 and
// wharf-e2e-app 1.0 (wheels and sdists) with twine.
func publishApp(t *testing.T) (*server, dists, dists) {
	t.Helper()
	base, app := buildDists(t, baseProject("1.0")), buildDists(t, appProject())
	s := startServer(t, t.TempDir())
	mustTwine(t, s, s.token(t, "alice"), append(base.all(), app.all()...)...)
	var ok int
	for _, e := range s.settledRequests("twine/") {
		if e.Method == "POST" && e.Path == "/legacy/" && e.Status == 200 {
			ok++
		}
	}
	if ok != 4 {
		t.Fatalf("the access log shows %d successful uploads by twine, want 4", ok)
	}
	return s, base, app
}

// TestPublishAndInstall builds two real projects, uploads them with twine
// and installs the one that depends on the other with three generations of
// pip, each in a fresh venv. From pip's own debug output and from the
// server's access log it checks which Simple API form each pip was served
// and whether it used the PEP 658 metadata files.
//
// What they do, as observed: all three ask for PEP 691 JSON and get it.
// pip 23.0 then downloads the wheels to read their metadata: it knows only
// the JSON key "dist-info-metadata", which wharf (like PyPI) does not send.
// pip 23.2 and 24.2 fetch <wheel>.metadata first (PEP 658/714) and the
// wheel only to install it.
func TestPublishAndInstall(t *testing.T) {
	t.Parallel()
	s, base, app := publishApp(t)
	appHTML, appJSON := s.pageSizes(t, "wharf-e2e-app")
	baseHTML, baseJSON := s.pageSizes(t, "wharf-e2e-base")
	sizes := map[string][2]int64{"wharf-e2e-app": {appHTML, appJSON}, "wharf-e2e-base": {baseHTML, baseJSON}}

	cases := []struct {
		name         string
		python       string
		pip          string // the pip version the venv must have
		wantMetadata bool   // fetches <wheel>.metadata instead of the wheel to resolve
	}{
		{name: "debian-pip-23.0", python: debianPython, pip: "23.0.1", wantMetadata: false},
		{name: "pyenv-3.11.7-pip-23.2", python: "/root/.pyenv/versions/3.11.7/bin/python", pip: "23.2.1", wantMetadata: true},
		{name: "pyenv-3.13.0-pip-24.2", python: "/root/.pyenv/versions/3.13.0/bin/python", pip: "24.2", wantMetadata: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			python := need(t, tc.python)
			venv := newVenv(t, python)
			py := filepath.Join(venv, "bin", "python")
			got := strings.Fields(mustRun(t, "", toolEnv(t), py, "-m", "pip", "--version").stdout)
			if len(got) < 2 || got[1] != tc.pip {
				t.Fatalf("the venv of %s has %v, want pip %s: this case documents that generation", python, got, tc.pip)
			}
			r := pip(t, venv, s, "install", "-vv", "wharf-e2e-app")
			if r.code != 0 {
				t.Fatalf("pip install wharf-e2e-app: %s", r)
			}
			mustRun(t, "", toolEnv(t), py, "-c",
				`import wharf_e2e_app as a; assert a.DEPENDENCY_VALUE == "wharf-e2e-base 1.0", a.DEPENDENCY_VALUE`)
			versions := mustRun(t, "", toolEnv(t), py, "-c",
				`import importlib.metadata as m; print(m.version("wharf-e2e-app"), m.version("wharf-e2e-base"))`).stdout
			if strings.TrimSpace(versions) != "1.0 1.0" {
				t.Errorf("installed versions (app, base) = %q, want 1.0 1.0", versions)
			}

			agent := "pip/" + tc.pip + " "
			reqs := s.settledRequests(agent)
			for _, p := range []string{"wharf-e2e-app", "wharf-e2e-base"} {
				want := "Fetched page " + s.url + "/simple/" + p + "/ as " + simpleJSON
				if !strings.Contains(r.output(), want) {
					t.Errorf("pip's debug output lacks %q", want)
				}
				if served := servedForms(reqs, "/simple/"+p+"/", sizes[p]); len(served) == 0 || served[0] != "json" {
					t.Errorf("GET /simple/%s/ by %s was served as %v, want json", p, agent, served)
				}
			}
			for _, d := range []dists{app, base} {
				whl := filepath.Base(d.wheel)
				if n := countGets(reqs, whl+".metadata"); (n > 0) != tc.wantMetadata {
					t.Errorf("%s fetched %s.metadata %d times; want fetched: %v", agent, whl, n, tc.wantMetadata)
				}
				if n := countGets(reqs, whl); n != 1 {
					t.Errorf("%s downloaded %s %d times, want once", agent, whl, n)
				}
				if n := countGets(reqs, filepath.Base(d.sdist)); n != 0 {
					t.Errorf("%s downloaded the sdist %s", agent, filepath.Base(d.sdist))
				}
			}
			for _, e := range reqs {
				if e.Status != 200 {
					t.Errorf("%s: %s %s got %d", agent, e.Method, e.Path, e.Status)
				}
			}
			t.Logf("%s requested: %s", agent, describe(reqs, sizes))
		})
	}
}

// servedForms returns, for each GET of path in reqs, the form ("json",
// "html") it was served in, told apart by size.
func servedForms(reqs []logEntry, path string, sizes [2]int64) []string {
	var out []string
	for _, e := range reqs {
		if e.Method == "GET" && e.Path == path && e.Status == 200 {
			out = append(out, servedAs(e, sizes[0], sizes[1]))
		}
	}
	return out
}

// countGets counts successful GETs of a /packages/ file named filename.
func countGets(reqs []logEntry, filename string) int {
	n := 0
	for _, e := range reqs {
		if e.Method == "GET" && e.Status == 200 && strings.HasPrefix(e.Path, "/packages/") && strings.HasSuffix(e.Path, "/"+filename) {
			n++
		}
	}
	return n
}

// describe summarises requests for the test log: page paths with the form
// served, file paths by filename.
func describe(reqs []logEntry, sizes map[string][2]int64) string {
	var parts []string
	for _, e := range reqs {
		path := e.Path
		if strings.HasPrefix(path, "/packages/") {
			path = "/packages/…/" + filepath.Base(path)
		}
		if p, ok := strings.CutPrefix(e.Path, "/simple/"); ok {
			if sz, ok := sizes[strings.TrimSuffix(p, "/")]; ok {
				path += " (" + servedAs(e, sz[0], sz[1]) + ")"
			}
		}
		parts = append(parts, e.Method+" "+path)
	}
	return strings.Join(parts, ", ")
}
