package e2e

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestImport imports a pypiserver-style flat folder with "wharf import"
// while the server runs: valid wheels and sdists are imported, an invalid
// file is listed with its reason and skipped, files that are not
// distributions are ignored, a second run changes nothing, and pip
// installs what was imported.
func TestImport(t *testing.T) {
	t.Parallel()
	base, app := buildDists(t, baseProject("1.0")), buildDists(t, appProject())
	s := startServer(t, t.TempDir())
	s.ensureUser(t, "importer")

	dir := t.TempDir()
	for _, f := range append(base.all(), app.all()...) {
		copyFile(t, f, dir)
	}
	broken := filepath.Join(dir, "wharf_e2e_broken-1.0-py3-none-any.whl")
	writeFile(t, broken, "this is not a zip archive\n")
	writeFile(t, filepath.Join(dir, "index.html"), "<html></html>\n")
	writeFile(t, filepath.Join(dir, "wharf_e2e_base-1.0-py3-none-any.whl.asc"), "a signature\n")

	// A page the server has answered 404 must not stay that way.
	if status, _ := s.simpleProject(t, "wharf-e2e-app"); status != http.StatusNotFound {
		t.Fatalf("/simple/wharf-e2e-app/ before the import: %d, want 404", status)
	}

	cases := []struct {
		name                             string
		imported, present, failed, total int
	}{
		{name: "first run imports", imported: 4, present: 0, failed: 1, total: 5},
		{name: "second run is a no-op", imported: 0, present: 4, failed: 1, total: 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The exit status of a run with a failed file is not asserted:
			// the README promises only that such files are listed and skipped.
			r := s.wharf(t, "import", dir, "--user", "importer")
			if r.code < 0 {
				t.Fatalf("wharf import did not run: %s", r)
			}
			counts := importSummary(t, r.stdout)
			if got := [4]int{counts["imported"], counts["present"], counts["failed"], counts["total"]}; got != [4]int{tc.imported, tc.present, tc.failed, tc.total} {
				t.Errorf("summary (imported, present, failed, total) = %v, want %v\n%s", got, [4]int{tc.imported, tc.present, tc.failed, tc.total}, r)
			}
			var skipped []string
			for line := range strings.SplitSeq(r.stdout, "\n") {
				if rest, ok := strings.CutPrefix(line, "skipped "); ok {
					skipped = append(skipped, rest)
				}
			}
			if len(skipped) != 1 || !strings.HasPrefix(skipped[0], broken+": Invalid distribution file.") {
				t.Errorf("skipped lines %q, want one for %s with the reason", skipped, broken)
			}
		})
	}

	waitFor(t, journalDelay, "the imported project shows", func() (bool, string) {
		status, files := s.simpleProject(t, "wharf-e2e-app")
		return status == http.StatusOK && len(files) == 2, "/simple/wharf-e2e-app/: " + strconv.Itoa(status)
	})
	target, r := pipTarget(t, s, "wharf-e2e-app")
	if r.code != 0 {
		t.Fatalf("pip install wharf-e2e-app: %s", r)
	}
	for _, p := range []string{"wharf-e2e-app", "wharf-e2e-base"} {
		if got := installedVersion(t, target, p); got != "1.0" {
			t.Errorf("pip installed %s %q, want 1.0", p, got)
		}
	}
}

var summaryRE = regexp.MustCompile(`(?m)^imported (\d+), already present (\d+), failed (\d+), of (\d+) files in `)

// importSummary parses wharf import's last line.
func importSummary(t *testing.T, out string) map[string]int {
	t.Helper()
	m := summaryRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("wharf import printed no summary line:\n%s", out)
	}
	counts := map[string]int{}
	for i, k := range []string{"imported", "present", "failed", "total"} {
		counts[k], _ = strconv.Atoi(m[i+1])
	}
	return counts
}
