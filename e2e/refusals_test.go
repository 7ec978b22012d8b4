package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestUploadRefusals checks what an uploader is told when wharf refuses an
// upload, and that the refusals leave nothing behind. The twine cases run
// twine without --verbose, which prints only the status line's reason
// phrase: the reason must be there. The others send raw requests for what
// twine never sends.
func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	base, app := buildDists(t, baseProject("1.0")), buildDists(t, appProject())
	s := startServer(t, t.TempDir())
	full := s.token(t, "alice")
	mustTwine(t, s, full, base.wheel)
	// A scoped token can name only projects that exist.
	scoped := s.token(t, "alice", "--project", "wharf-e2e-base")

	// Other bytes under the name of the wheel already uploaded.
	other := makeWheel(t, "wharf-e2e-base", "1.0", "other bytes", 0)
	otherPath := filepath.Join(t.TempDir(), other.filename)
	if other.filename != filepath.Base(base.wheel) {
		t.Fatalf("made %s, want the name %s", other.filename, filepath.Base(base.wheel))
	}
	writeFile(t, otherPath, string(other.data))

	// Names in messages are matched without their quotes.
	notValidForApp := []string{"403", "Invalid API Token: project-scoped token is not valid for project", "wharf-e2e-app"}
	// These run in order: some need what an earlier one uploaded.
	runTwineSteps(t, s, []twineStep{
		{name: "scoped token, new project", password: scoped, files: []string{app.wheel}, status: 403,
			want: notValidForApp},
		{name: "scoped token, its project", password: scoped, files: []string{base.sdist}, wantOK: true, status: 200},
		{name: "full token creates the other project", password: full, files: []string{app.wheel}, wantOK: true, status: 200},
		{name: "scoped token, existing other project", password: scoped, files: []string{app.sdist}, status: 403,
			want: notValidForApp},
		{name: "identical file again is a success", password: full, files: []string{base.wheel}, wantOK: true, status: 200},
		{name: "other bytes under a used filename", password: full, files: []string{otherPath}, status: 400,
			want: []string{"400", "File already exists", filepath.Base(base.wheel)}},
		{name: "skip-existing skips them", password: full, extra: []string{"--skip-existing"}, files: []string{otherPath}, wantOK: true, status: 400,
			want: []string{"Skipping " + other.filename + " because it appears to already exist"}},
		{name: "password instead of a token", user: "alice", password: "not-a-token", files: []string{app.sdist}, status: 403,
			want: []string{"403", "Username/Password authentication is no longer supported"}},
		{name: "invalid token", password: "wharf-not-a-real-token", files: []string{app.sdist}, status: 403,
			want: []string{"403", "Invalid or non-existent authentication information"}},
	})
	// The refused sdist of wharf-e2e-app and the other bytes are nowhere.
	_, files := s.simpleProject(t, "wharf-e2e-app")
	if len(files) != 1 || files[0].Filename != filepath.Base(app.wheel) {
		t.Errorf("/simple/wharf-e2e-app/ lists %v, want only the wheel", files)
	}
	_, files = s.simpleProject(t, "wharf-e2e-base")
	for _, f := range files {
		if f.Filename == filepath.Base(base.wheel) && f.Hashes["sha256"] != sha256File(t, base.wheel) {
			t.Errorf("/simple/wharf-e2e-base/ lists %s with sha256 %s, not the first upload's", f.Filename, f.Hashes["sha256"])
		}
	}

	t.Run("raw", func(t *testing.T) { rawRefusals(t, s, full) })
}

// twineStep is one twine upload and what its user must see.
type twineStep struct {
	name     string
	before   func(t *testing.T) // run first, if set
	user     string             // "" means __token__
	password string
	extra    []string // options for twine upload
	files    []string
	wantOK   bool
	status   int      // of the upload, in the access log
	want     []string // in twine's output, white space folded
}

// runTwineSteps runs the steps in order, each as a subtest.
func runTwineSteps(t *testing.T, s *server, steps []twineStep) {
	t.Helper()
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(t)
			}
			user := st.user
			if user == "" {
				user = "__token__"
			}
			before := len(twinePosts(s))
			r := twine(t, s, user, st.password, st.extra, st.files...)
			// A refusal's reply is written on the taken-over connection, and
			// logged after it is closed: twine may be done before that.
			waitFor(t, time.Second, "the upload is logged", func() (bool, string) {
				posts := twinePosts(s)
				if len(posts) != before+1 {
					return false, fmt.Sprintf("%d uploads by twine logged, want %d", len(posts), before+1)
				}
				if got := posts[len(posts)-1].Status; got != st.status {
					t.Errorf("the access log shows status %d, want %d", got, st.status)
				}
				return true, ""
			})
			if ok := r.code == 0; ok != st.wantOK {
				t.Fatalf("twine succeeded: %v, want %v: %s", ok, st.wantOK, r)
			}
			out := flat(r.output())
			for _, w := range st.want {
				if !strings.Contains(out, w) {
					t.Errorf("twine's output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// twinePosts are the uploads by twine in the server's access log.
func twinePosts(s *server) []logEntry {
	var posts []logEntry
	for _, e := range s.requests("twine/") {
		if e.Method == "POST" && e.Path == "/legacy/" {
			posts = append(posts, e)
		}
	}
	return posts
}

// rawRefusals sends requests twine would not, and checks status and reason.
func rawRefusals(t *testing.T, s *server, token string) {
	good := makeWheel(t, "wharf-e2e-raw", "1.0", "raw", 0)
	const digestReason = "The digest supplied does not match a digest calculated from the uploaded file."
	cases := []struct {
		name       string
		path       string
		token      string
		form       uploadForm
		wantStatus int
		wantReason string // the reason phrase must contain it
		wantHeader [2]string
	}{
		{name: "wrong digest", path: "/legacy/", token: token, form: uploadForm{whl: good, sha256: strings.Repeat("0", 64)},
			wantStatus: 400, wantReason: digestReason},
		{name: "no trailing slash", path: "/legacy", token: token, form: uploadForm{whl: good},
			wantStatus: 308, wantHeader: [2]string{"Location", "/legacy/"}},
		{name: "retired submit action", path: "/legacy/", token: token, form: uploadForm{whl: good, action: "submit"},
			wantStatus: 410, wantReason: "Project pre-registration is no longer required or supported, upload your files instead."},
		{name: "retired doc_upload action", path: "/legacy/", token: token, form: uploadForm{whl: good, action: "doc_upload"},
			wantStatus: 410, wantReason: "Uploading documentation is no longer supported"},
		{name: "no credentials", path: "/legacy/", form: uploadForm{whl: good},
			wantStatus: 403, wantReason: "Invalid or non-existent authentication information. See /help/#invalid-auth for more information."},
	}
	// The requests go at once; the group ends when they all have.
	t.Run("requests", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				ct, body := tc.form.encode(t)
				resp, err := postUpload(t.Context(), s.url+tc.path, tc.token, ct, bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tc.wantStatus {
					t.Fatalf("status %q, want %d", resp.Status, tc.wantStatus)
				}
				if reason := strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" "); !strings.Contains(reason, tc.wantReason) {
					t.Errorf("reason phrase %q lacks %q", reason, tc.wantReason)
				}
				if k := tc.wantHeader[0]; k != "" && resp.Header.Get(k) != tc.wantHeader[1] {
					t.Errorf("%s: %q, want %q", k, resp.Header.Get(k), tc.wantHeader[1])
				}
			})
		}
		t.Run("wrong digest status line", func(t *testing.T) {
			t.Parallel()
			ct, body := uploadForm{whl: good, sha256: strings.Repeat("0", 64)}.encode(t)
			line := rawStatusLine(t, s, token, ct, body)
			if want := "HTTP/1.1 400 " + digestReason; line != want {
				t.Errorf("status line %q, want %q", line, want)
			}
		})
	})
	// Nothing of the refused requests was stored.
	if status, _ := s.simpleProject(t, "wharf-e2e-raw"); status != http.StatusNotFound {
		t.Errorf("/simple/wharf-e2e-raw/: %d after refused uploads only, want 404", status)
	}
}

// rawStatusLine sends an upload over a plain TCP connection and returns the
// reply's status line as sent, without the CRLF.
func rawStatusLine(t *testing.T, s *server, token, contentType string, body []byte) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	host := strings.TrimPrefix(s.url, "http://")
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	auth := base64.StdEncoding.EncodeToString([]byte("__token__:" + token))
	head := fmt.Sprintf("POST /legacy/ HTTP/1.1\r\nHost: %s\r\nUser-Agent: wharf-e2e\r\nAuthorization: Basic %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		host, auth, contentType, len(body))
	if _, err := conn.Write(append([]byte(head), body...)); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the status line: %v (got %q)", err, line)
	}
	return strings.TrimSuffix(line, "\r\n")
}

func sha256File(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return wheel{data: b}.sha256()
}
