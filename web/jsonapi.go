package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"wharf"
	"wharf/dist"
	"wharf/pep440"
)

// jsonAPIFile is a file entry of the JSON API, shaped as PyPI's.
type jsonAPIFile struct {
	CommentText       string            `json:"comment_text"`
	Digests           map[string]string `json:"digests"`
	Downloads         int               `json:"downloads"`
	Filename          string            `json:"filename"`
	HasSig            bool              `json:"has_sig"`
	MD5Digest         string            `json:"md5_digest"`
	PackageType       string            `json:"packagetype"`
	PythonVersion     string            `json:"python_version"`
	RequiresPython    *string           `json:"requires_python"`
	Size              int64             `json:"size"`
	UploadTime        string            `json:"upload_time"`
	UploadTimeISO8601 string            `json:"upload_time_iso_8601"`
	URL               string            `json:"url"`
	Yanked            bool              `json:"yanked"`
	YankedReason      *string           `json:"yanked_reason"`
	CoreMetadata      any               `json:"core-metadata"`
	// LogIndex is the index of the file's record in wharf's transparency
	// log (see /log/lookup/<filename>); PyPI has no such field.
	LogIndex *int64 `json:"log_index"`
}

func (s *Server) jsonAPIFile(f wharf.File) jsonAPIFile {
	jf := jsonAPIFile{
		Digests:   map[string]string{"blake2b_256": f.Blake2b256, "md5": f.MD5, "sha256": f.SHA256},
		Downloads: -1, Filename: f.Filename, MD5Digest: f.MD5, PackageType: f.PackageType,
		PythonVersion: f.PythonVersion, Size: f.Size, UploadTime: f.UploadTime.UTC().Format("2006-01-02T15:04:05"),
		UploadTimeISO8601: isoTime(f.UploadTime), URL: s.absolute(s.fileURL(f)), Yanked: f.Yanked, CoreMetadata: false,
	}
	if f.RequiresPython != "" {
		rp := f.RequiresPython
		jf.RequiresPython = &rp
	}
	if f.Yanked && f.YankedReason != "" {
		yr := f.YankedReason
		jf.YankedReason = &yr
	}
	if f.LogIndex >= 0 {
		idx := f.LogIndex
		jf.LogIndex = &idx
	}
	if servesMetadata(f) {
		jf.CoreMetadata = map[string]string{"sha256": f.MetadataSHA256}
	}
	return jf
}

// absolute makes a root-relative URL absolute when a base URL is set; the
// JSON API's consumers expect absolute URLs.
func (s *Server) absolute(path string) string {
	return s.origin + path
}

// info builds the JSON API's "info" object for a release.
func (s *Server) info(d *projectData, r *wharf.Release) (map[string]any, error) {
	var ri wharf.ReleaseInfo
	if err := json.Unmarshal([]byte(r.InfoJSON), &ri); err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "decoding release info", err)
	}
	urls := map[string]string{}
	for _, pu := range ri.ProjectURLs {
		label, u, ok := cutProjectURL(pu)
		if ok {
			urls[label] = u
		}
	}
	if ri.HomePage != "" {
		if _, ok := urls["Homepage"]; !ok {
			urls["Homepage"] = ri.HomePage
		}
	}
	projectURL := s.absolute(s.prefix + "/project/" + d.Project.Name + "/")
	info := map[string]any{
		"author": ri.Author, "author_email": ri.AuthorEmail, "bugtrack_url": nil,
		"classifiers": orEmpty(ri.Classifiers), "description": ri.Description,
		"description_content_type": nilIfEmpty(ri.DescriptionContentType), "docs_url": nil,
		"download_url": ri.DownloadURL, "downloads": map[string]int{"last_day": -1, "last_month": -1, "last_week": -1},
		"dynamic": nilIfNone(ri.Dynamic), "home_page": ri.HomePage, "keywords": ri.Keywords, "license": ri.License,
		"license_expression": nilIfEmpty(ri.LicenseExpression), "license_files": nilIfNone(ri.LicenseFiles),
		"maintainer": ri.Maintainer, "maintainer_email": ri.MaintainerEmail, "name": d.Project.DisplayName,
		"package_url": projectURL, "platform": nil, "project_url": projectURL, "project_urls": nilIfNoURLs(urls),
		"provides_extra": nilIfNone(ri.ProvidesExtra), "release_url": projectURL + r.Version + "/",
		"requires_dist": nilIfNone(ri.RequiresDist), "requires_python": nilIfEmpty(r.RequiresPython),
		"summary": r.Summary, "version": r.Version, "yanked": r.Yanked, "yanked_reason": nilIfEmpty(r.YankedReason),
	}
	return info, nil
}

func cutProjectURL(s string) (label, u string, ok bool) {
	label, u, ok = strings.Cut(s, ",")
	return strings.TrimSpace(label), strings.TrimSpace(u), ok
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func nilIfNone(v []string) any {
	if len(v) == 0 {
		return nil
	}
	return v
}

func nilIfEmpty(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func nilIfNoURLs(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// renderJSONProject renders /pypi/<name>/json.
func (s *Server) renderJSONProject(d *projectData) (*page, error) {
	latest := latestRelease(d.Releases)
	if latest == nil {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	info, err := s.info(d, latest)
	if err != nil {
		return nil, err
	}
	releases := map[string][]jsonAPIFile{}
	for _, r := range d.Releases {
		releases[r.Version] = []jsonAPIFile{}
	}
	urls := []jsonAPIFile{}
	for _, f := range d.Files {
		jf := s.jsonAPIFile(f)
		releases[f.Version] = append(releases[f.Version], jf)
		if f.ReleaseID == latest.ID {
			urls = append(urls, jf)
		}
	}
	return jsonPage(map[string]any{"info": info, "last_serial": d.Project.LastSerial, "releases": releases,
		"urls": urls, "vulnerabilities": []any{}}, d.Project.LastSerial)
}

// renderJSONRelease renders /pypi/<name>/<version>/json for the release
// whose canonical version is canonical.
func (s *Server) renderJSONRelease(d *projectData, canonical string) (*page, error) {
	var rel *wharf.Release
	for i := range d.Releases {
		if d.Releases[i].Canonical == canonical {
			rel = &d.Releases[i]
		}
	}
	if rel == nil {
		return nil, wharf.Errorf(wharf.ENOTFOUND, "Not Found")
	}
	info, err := s.info(d, rel)
	if err != nil {
		return nil, err
	}
	urls := []jsonAPIFile{}
	for _, f := range d.Files {
		if f.ReleaseID == rel.ID {
			urls = append(urls, s.jsonAPIFile(f))
		}
	}
	return jsonPage(map[string]any{"info": info, "last_serial": d.Project.LastSerial, "urls": urls,
		"vulnerabilities": []any{}}, d.Project.LastSerial)
}

func jsonPage(v any, serial int64) (*page, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering JSON", err)
	}
	return newPage(body, "application/json", serial), nil
}

// jsonProject serves /pypi/<name>/json and /pypi/<name>/<version>/json.
func (s *Server) jsonProject(w http.ResponseWriter, r *http.Request) error {
	raw, version := r.PathValue("project"), r.PathValue("version")
	name := dist.NormalizeName(raw)
	if name != raw {
		path := s.prefix + "/pypi/" + url.PathEscape(name) + "/json"
		if version != "" {
			path = s.prefix + "/pypi/" + url.PathEscape(name) + "/" + url.PathEscape(version) + "/json"
		}
		redirect(w, r, path)
		return nil
	}
	// A release page is cached under its canonical version: "1.0", "1.0.0",
	// "1.0.0.0" ... all name one release, and keying by the spelling would
	// let requests grow the cache without bound.
	format, canonical := "json", ""
	if version != "" {
		v, err := pep440.Parse(version)
		if err != nil {
			writeJSONError(w, http.StatusNotFound, "Not Found")
			return nil
		}
		canonical = v.Canonical()
		format = "json:" + canonical
	}
	p, err := s.cache.cached(name, format, func() (*page, error) {
		d, err := s.loadProject(r.Context(), name)
		if err != nil {
			return nil, err
		}
		if canonical != "" {
			return s.renderJSONRelease(d, canonical)
		}
		return s.renderJSONProject(d)
	})
	if wharf.IsCode(err, wharf.ENOTFOUND) {
		writeJSONError(w, http.StatusNotFound, "Not Found")
		return nil
	}
	if err != nil {
		return err
	}
	s.servePage(w, r, p, simpleHeaders)
	return nil
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}
