package web

import (
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"time"

	"wharf"
	"wharf/publish"
)

// Bounds on the non-file part of an upload form.
const (
	maxFieldBytes  = 8 << 20
	maxFormBytes   = 16 << 20
	maxFormFields  = 10000
	uploadDeadline = time.Hour
)

// obsoleteActions are upload API actions PyPI retired, with its messages.
var obsoleteActions = map[string]string{
	"submit":          "Project pre-registration is no longer required or supported, upload your files instead.",
	"submit_pkg_info": "Project pre-registration is no longer required or supported, upload your files instead.",
	"doc_upload":      "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.",
}

// upload serves POST /legacy/, the API twine and other uploaders post to.
// Every refusal goes out with its message as the status line's reason
// phrase, since that is all twine prints.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	maxBody := s.publish.Config().MaxFileSize + maxFormBytes
	res, bodyRead, err := s.runUpload(w, r, maxBody)
	if err != nil {
		status := statusOf(err)
		if status == http.StatusInternalServerError {
			s.log.Error("upload failed", "err", err)
		} else {
			s.log.Info("upload refused", "status", status, "reason", wharf.ErrorMessage(err))
		}
		drain := maxBody
		if !bodyRead && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
			// The client waits for "100 Continue" before sending the body;
			// reading it would send that and invite the whole upload.
			drain = 0
		}
		writeReason(w, r, status, wharf.ErrorMessage(err), drain)
		return
	}
	if res.Duplicate {
		s.log.Info("upload repeated", "project", res.Project, "filename", res.File.Filename)
	} else {
		s.log.Info("upload stored", "project", res.Project, "filename", res.File.Filename, "size", res.File.Size)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "OK\n")
}

// runUpload authenticates and publishes the upload. bodyRead reports
// whether reading the body began.
func (s *Server) runUpload(w http.ResponseWriter, r *http.Request, maxBody int64) (res *publish.Result, bodyRead bool, err error) {
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadDeadline))
	// The token is checked before the body is read: nothing happens for a
	// request that is not authenticated.
	now := s.now()
	raw, err := uploadToken(r)
	if err != nil {
		return nil, false, err
	}
	pr, err := s.publish.Authenticate(r.Context(), raw, now)
	if err != nil {
		return nil, false, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	fields, file, err := s.readForm(r)
	if file != nil {
		defer file.Remove()
	}
	if err != nil {
		return nil, true, err
	}
	if err := checkAction(fields); err != nil {
		return nil, true, err
	}
	actor := wharf.Actor{UserID: pr.User.ID, UserName: pr.User.Name, TokenID: pr.Token.ID, IP: clientIP(r), UserAgent: r.UserAgent()}
	res, err = s.publish.Publish(r.Context(), pr, actor, publish.Upload{Fields: fields, File: file})
	return res, true, err
}

// uploadToken takes the API token from HTTP Basic auth (user "__token__")
// or a Bearer header. Passwords are never accepted for uploads.
func uploadToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		return strings.TrimSpace(tok), nil
	}
	if enc, ok := strings.CutPrefix(h, "Basic "); ok {
		dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if err == nil {
			user, pass, _ := strings.Cut(string(dec), ":")
			if user == "__token__" {
				return pass, nil
			}
			return "", wharf.Errorf(wharf.EFORBIDDEN, "Username/Password authentication is no longer supported. Migrate to API Tokens instead. See /help/#apitoken")
		}
	}
	return "", wharf.Errorf(wharf.EFORBIDDEN, "Invalid or non-existent authentication information. See /help/#invalid-auth for more information.")
}

func checkAction(fields map[string][]string) error {
	action := firstField(fields, ":action")
	if msg, ok := obsoleteActions[action]; ok {
		return wharf.Errorf(wharf.EGONE, "%s", msg)
	}
	if action != "file_upload" {
		return wharf.Errorf(wharf.EINVALID, "Invalid value for :action. Error: Use 'file_upload'.")
	}
	if v := firstField(fields, "protocol_version"); v != "" && v != "1" {
		return wharf.Errorf(wharf.EINVALID, "Unknown protocol version.")
	}
	return nil
}

func firstField(f map[string][]string, k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readForm streams the multipart form: text fields into a bounded map, the
// "content" file part straight to a spooled temp file while hashing.
// Other file parts (signatures, attestations) are read and dropped.
func (s *Server) readForm(r *http.Request) (map[string][]string, *publish.Spooled, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, wharf.Errorf(wharf.EINVALID, "Invalid request: the upload must be a multipart/form-data form.")
	}
	cfg := s.publish.Config()
	fields := map[string][]string{}
	var file *publish.Spooled
	total, count := 0, 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, file, nil
		}
		if err != nil {
			return fields, file, formError(err)
		}
		name := part.FormName()
		switch {
		case name == "content" && part.FileName() != "":
			if file != nil {
				return fields, file, wharf.Errorf(wharf.EINVALID, "Upload payload has more than one file.")
			}
			file, err = publish.Spool(cfg.SpoolDir, part.FileName(), part, cfg.MaxFileSize)
			if err != nil {
				return fields, nil, formError(err)
			}
		case part.FileName() != "":
			if _, err := io.Copy(io.Discard, io.LimitReader(part, maxFieldBytes)); err != nil {
				return fields, file, formError(err)
			}
		default:
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return fields, file, formError(err)
			}
			total += len(b)
			count++
			if len(b) > maxFieldBytes || total > maxFormBytes || count > maxFormFields {
				return fields, file, wharf.Errorf(wharf.EINVALID, "Invalid request: the form fields are too large.")
			}
			fields[name] = append(fields[name], string(b))
		}
		part.Close()
	}
}

// formError turns a read failure into a clear refusal.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return wharf.Errorf(wharf.ETOOLARGE, "Request too large.")
	}
	if wharf.ErrorCode(err) != wharf.EINTERNAL {
		return err
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return wharf.Errorf(wharf.ETOOLARGE, "Request too large.")
	}
	return wharf.WrapError(wharf.EINVALID, "Invalid request: the upload form could not be read.", err)
}

// clientIP is the peer's address. Proxy headers are not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
