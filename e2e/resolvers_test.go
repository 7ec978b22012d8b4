package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPoetryAndPDM resolves and installs wharf-e2e-app from wharf with
// poetry and with pdm, each configured so that wharf is its only index
// (PyPI is disabled, and unreachable anyway). Each client gets its own
// server, so the access log shows only its requests.
//
// What they do, as observed with Debian 12's versions: poetry 1.3 asks for
// no particular form (Accept: */*), gets PEP 503 HTML, and downloads each
// wheel to read its metadata at lock time; pdm 2.2 (unearth) gets PEP 691
// JSON and also downloads the wheels — and the sdists, to hash them for
// pdm.lock. Neither fetches PEP 658 metadata files.
func TestPoetryAndPDM(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		tool string
		// resolve runs the client in dir against the server and returns the
		// venv it installed into.
		resolve func(t *testing.T, bin, dir string, s *server, major, minor int) string
		// wantForm is the Simple API form the documented version gets.
		wantForm       func(major, minor int) string
		wantSdistFetch bool
	}{
		{name: "poetry", tool: "/usr/bin/poetry", resolve: poetryResolve,
			wantForm: func(major, minor int) string {
				if major == 1 && minor == 3 {
					return "html"
				}
				return ""
			}},
		{name: "pdm", tool: "/usr/bin/pdm", resolve: pdmResolve, wantSdistFetch: true,
			wantForm: func(major, minor int) string {
				if major == 2 && minor == 2 {
					return "json"
				}
				return ""
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin := need(t, tc.tool)
			s, base, app := publishApp(t)
			sizes := map[string][2]int64{}
			for _, p := range []string{"wharf-e2e-app", "wharf-e2e-base"} {
				h, j := s.pageSizes(t, p)
				sizes[p] = [2]int64{h, j}
			}
			major, minor := toolVersion(t, bin)
			dir := t.TempDir()
			venv := tc.resolve(t, bin, dir, s, major, minor)
			mustRun(t, dir, toolEnv(t), filepath.Join(venv, "bin", "python"), "-c",
				`import wharf_e2e_app as a; assert a.DEPENDENCY_VALUE == "wharf-e2e-base 1.0", a.DEPENDENCY_VALUE`)

			var reqs []logEntry
			for _, e := range s.settledRequests("") {
				if !strings.HasPrefix(e.UserAgent, "twine/") && e.UserAgent != "wharf-e2e" {
					reqs = append(reqs, e)
				}
			}
			t.Logf("%s %d.%d requested: %s", tc.name, major, minor, describe(reqs, sizes))
			want := tc.wantForm(major, minor)
			for _, p := range []string{"wharf-e2e-app", "wharf-e2e-base"} {
				forms := servedForms(reqs, "/simple/"+p+"/", sizes[p])
				if len(forms) == 0 {
					t.Errorf("%s never fetched /simple/%s/", tc.name, p)
				}
				for _, f := range forms {
					if want != "" && f != want {
						t.Errorf("%s %d.%d was served /simple/%s/ as %s, want %s", tc.name, major, minor, p, f, want)
					}
				}
			}
			for _, d := range []dists{app, base} {
				whl, sdist := filepath.Base(d.wheel), filepath.Base(d.sdist)
				if countGets(reqs, whl) == 0 {
					t.Errorf("%s never downloaded %s", tc.name, whl)
				}
				if n := countGets(reqs, sdist); (n > 0) != tc.wantSdistFetch {
					t.Errorf("%s downloaded %s %d times; want downloaded: %v", tc.name, sdist, n, tc.wantSdistFetch)
				}
			}
			for _, e := range reqs {
				if e.Status != 200 {
					t.Errorf("%s: %s %s got %d", tc.name, e.Method, e.Path, e.Status)
				}
			}
		})
	}
}

var versionRE = regexp.MustCompile(`(\d+)\.(\d+)`)

// toolVersion runs "TOOL --version" and returns the first major.minor.
func toolVersion(t *testing.T, bin string) (int, int) {
	t.Helper()
	out := mustRun(t, "", toolEnv(t), bin, "--version").output()
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s --version printed no version: %q", bin, out)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major, minor
}

// poetrySourceKey is the pyproject line that makes a source poetry's only
// index. Poetry before 1.5 knows only "default = true"; 1.5 to 1.7 use
// priority "default"; from 1.8 a "primary" source disables PyPI.
func poetrySourceKey(major, minor int) string {
	switch {
	case major == 1 && minor < 5:
		return "default = true"
	case major == 1 && minor < 8:
		return `priority = "default"`
	}
	return `priority = "primary"`
}

func poetryResolve(t *testing.T, bin, dir string, s *server, major, minor int) string {
	pyproject := fmt.Sprintf(`[tool.poetry]
name = "wharf-e2e-poetry"
version = "0.1.0"
description = "A consumer of wharf-e2e-app"
authors = ["wharf e2e <e2e@example.org>"]
packages = []

[tool.poetry.dependencies]
python = "^3.8"
wharf-e2e-app = ">=1.0"

[[tool.poetry.source]]
name = "wharf"
url = "%s/simple/"
%s

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
`, s.url, poetrySourceKey(major, minor))
	writeFile(t, filepath.Join(dir, "pyproject.toml"), pyproject)
	env := toolEnv(t, "POETRY_VIRTUALENVS_IN_PROJECT=true")
	mustRun(t, dir, env, bin, "lock", "-n")
	lock := readFile(t, filepath.Join(dir, "poetry.lock"))
	for _, want := range []string{`name = "wharf-e2e-app"`, `name = "wharf-e2e-base"`, `url = "` + s.url + `/simple`, `reference = "wharf"`} {
		if !strings.Contains(lock, want) {
			t.Errorf("poetry.lock lacks %s:\n%s", want, lock)
		}
	}
	if strings.Contains(lock, "pypi.org") {
		t.Errorf("poetry.lock mentions pypi.org:\n%s", lock)
	}
	mustRun(t, dir, env, bin, "install", "-n", "--no-root")
	return filepath.Join(dir, ".venv")
}

func pdmResolve(t *testing.T, bin, dir string, s *server, _, _ int) string {
	// A source named "pypi" replaces PyPI itself.
	pyproject := fmt.Sprintf(`[project]
name = "wharf-e2e-pdm"
version = "0.1.0"
requires-python = ">=3.8"
dependencies = ["wharf-e2e-app>=1.0"]

[[tool.pdm.source]]
name = "pypi"
url = "%s/simple/"
verify_ssl = false
`, s.url)
	writeFile(t, filepath.Join(dir, "pyproject.toml"), pyproject)
	env := toolEnv(t)
	mustRun(t, dir, env, bin, "lock")
	lock := readFile(t, filepath.Join(dir, "pdm.lock"))
	for _, want := range []string{`name = "wharf-e2e-app"`, `name = "wharf-e2e-base"`, `url = "` + s.url + `/packages/`} {
		if !strings.Contains(lock, want) {
			t.Errorf("pdm.lock lacks %s:\n%s", want, lock)
		}
	}
	if strings.Contains(lock, "pypi.org") {
		t.Errorf("pdm.lock mentions pypi.org:\n%s", lock)
	}
	mustRun(t, dir, env, bin, "install", "--no-self")
	return filepath.Join(dir, ".venv")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
