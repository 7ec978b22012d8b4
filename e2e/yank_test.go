package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// journalDelay bounds how long a change made by a wharf command takes to
// show on a running server, which reads the journal once a second.
const journalDelay = 2 * time.Second

// TestYanked yanks a release with "wharf yank" while the server runs (and
// has the project's pages cached), and checks that the Simple API in both
// forms and the JSON API show it within journalDelay, that pip then passes
// over the yanked release unless it is pinned with ==, and that
// "wharf unyank" undoes it.
func TestYanked(t *testing.T) {
	t.Parallel()
	b10, b11 := buildDists(t, baseProject("1.0")), buildDists(t, baseProject("1.1"))
	s := startServer(t, t.TempDir())
	mustTwine(t, s, s.token(t, "alice"), append(b10.all(), b11.all()...)...)
	files := []string{filepath.Base(b10.wheel), filepath.Base(b10.sdist), filepath.Base(b11.wheel), filepath.Base(b11.sdist)}
	yanked11 := map[string]string{files[0]: "", files[1]: "", files[2]: "broken", files[3]: "broken"}
	none := map[string]string{files[0]: "", files[1]: "", files[2]: "", files[3]: ""}

	// The first check renders and caches every page, so what follows shows
	// that a change made by another process evicts them.
	if ok, why := yankShown(t, s, none); !ok {
		t.Fatalf("before the yank: %s", why)
	}
	checkLatest(t, s, "1.1")

	s.mustWharf(t, "yank", "wharf-e2e-base", "1.1", "--reason", "broken")
	took := waitFor(t, journalDelay, "the yank of 1.1 shows", func() (bool, string) { return yankShown(t, s, yanked11) })
	t.Logf("the yank showed %s after the command returned", took.Round(time.Millisecond))
	checkLatest(t, s, "1.0")
	var rel struct {
		Info struct {
			Yanked       bool    `json:"yanked"`
			YankedReason *string `json:"yanked_reason"`
		} `json:"info"`
	}
	getJSON(t, s, "/pypi/wharf-e2e-base/1.1/json", &rel)
	if !rel.Info.Yanked || rel.Info.YankedReason == nil || *rel.Info.YankedReason != "broken" {
		t.Errorf("/pypi/wharf-e2e-base/1.1/json info: yanked %v, reason %v; want true, broken", rel.Info.Yanked, rel.Info.YankedReason)
	}

	t.Run("pip", func(t *testing.T) {
		cases := []struct {
			name, requirement, want string
			warns                   bool
		}{
			{name: "unpinned skips the yanked release", requirement: "wharf-e2e-base", want: "1.0"},
			{name: "a range skips the yanked release", requirement: "wharf-e2e-base>=1.0", want: "1.0"},
			{name: "pinned installs the yanked release", requirement: "wharf-e2e-base==1.1", want: "1.1", warns: true},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				target, r := pipTarget(t, s, tc.requirement)
				if r.code != 0 {
					t.Fatalf("pip install %s: %s", tc.requirement, r)
				}
				if got := installedVersion(t, target, "wharf-e2e-base"); got != tc.want {
					t.Errorf("pip install %s installed %q, want %s", tc.requirement, got, tc.want)
				}
				out := flat(r.output())
				warned := regexp.MustCompile(`yanked version.*Reason for being yanked: broken`).MatchString(out)
				if warned != tc.warns {
					t.Errorf("pip warned of the yank (with its reason): %v, want %v\n%s", warned, tc.warns, out)
				}
			})
		}
	})

	s.mustWharf(t, "unyank", "wharf-e2e-base", "1.1")
	took = waitFor(t, journalDelay, "the unyank of 1.1 shows", func() (bool, string) { return yankShown(t, s, none) })
	t.Logf("the unyank showed %s after the command returned", took.Round(time.Millisecond))
	checkLatest(t, s, "1.1")
	target, r := pipTarget(t, s, "wharf-e2e-base")
	if got := installedVersion(t, target, "wharf-e2e-base"); r.code != 0 || got != "1.1" {
		t.Errorf("after the unyank pip installed %q, want 1.1: %s", got, r)
	}
}

// anchorRE matches a link of a PEP 503 page: its attributes and text.
var anchorRE = regexp.MustCompile(`(?s)<a ([^>]*)>([^<]*)</a>`)
var yankAttrRE = regexp.MustCompile(`data-yanked="([^"]*)"`)

// yankShown reports whether /simple/wharf-e2e-base/, as HTML and as JSON,
// shows exactly the given yank reasons ("" for not yanked) by filename.
func yankShown(t testing.TB, s *server, want map[string]string) (bool, string) {
	t.Helper()
	resp, body := s.get(t, "/simple/wharf-e2e-base/", simpleHTML)
	if resp.StatusCode != 200 {
		return false, "HTML page: " + resp.Status
	}
	html := map[string]string{}
	for _, m := range anchorRE.FindAllStringSubmatch(string(body), -1) {
		reason := "" // an unyanked link has no data-yanked at all
		if y := yankAttrRE.FindStringSubmatch(m[1]); y != nil {
			reason = y[1]
			if reason == "" {
				reason = "(yanked without reason)"
			}
		}
		html[m[2]] = reason
	}
	status, files := s.simpleProject(t, "wharf-e2e-base")
	if status != 200 {
		return false, fmt.Sprintf("JSON page: %d", status)
	}
	js := map[string]string{}
	for _, f := range files {
		switch y := f.Yanked.(type) {
		case bool:
			js[f.Filename] = map[bool]string{false: "", true: "(yanked without reason)"}[y]
		case string:
			js[f.Filename] = y
		default:
			js[f.Filename] = fmt.Sprintf("(yanked is %T)", y)
		}
	}
	for name, reason := range want {
		if got, ok := html[name]; !ok || got != reason {
			return false, fmt.Sprintf("HTML link of %s: present %v, yank %q; want %q", name, ok, got, reason)
		}
		if got, ok := js[name]; !ok || got != reason {
			return false, fmt.Sprintf("JSON file %s: present %v, yank %q; want %q", name, ok, got, reason)
		}
	}
	return true, ""
}

// checkLatest checks the version the JSON API calls the project's latest:
// the newest release that is not yanked.
func checkLatest(t testing.TB, s *server, want string) {
	t.Helper()
	var proj struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	getJSON(t, s, "/pypi/wharf-e2e-base/json", &proj)
	if proj.Info.Version != want {
		t.Errorf("/pypi/wharf-e2e-base/json info.version = %q, want %s", proj.Info.Version, want)
	}
}

func getJSON(t testing.TB, s *server, path string, v any) {
	t.Helper()
	resp, body := s.get(t, path, "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}
