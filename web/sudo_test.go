package web

import (
	"net/url"
	"testing"
	"time"
)

// TestProjectFormsNeedSudo: once the password was confirmed more than the
// sudo window ago, every form that changes a project's collaborators,
// releases or files sends the owner to confirm it again, back to the page
// the form is on, and changes nothing. Reading the pages still works.
func TestProjectFormsNeedSudo(t *testing.T) {
	ix := collabIndex(t)
	owen := ix.as(t, "owen")
	ix.clock.Advance(31 * time.Minute)
	const collabURL, releaseURL = "/manage/project/demo-pkg/collaboration/", "/manage/project/demo-pkg/release/1.0/"
	before := ix.roles(t)
	forms := []struct {
		path string
		form url.Values
		back string
	}{
		{collabURL + "invite/", url.Values{"username": {"carol"}, "role": {"Owner"}}, collabURL},
		{collabURL + "role/", url.Values{"username": {"bob"}, "role": {"Owner"}}, collabURL},
		{collabURL + "revoke/", url.Values{"username": {"carol"}}, collabURL},
		{collabURL + "remove/", url.Values{"username": {"bob"}, "confirm": {"bob"}}, collabURL},
		{releaseURL + "yank/", url.Values{"confirm_yank_version": {"1.0"}}, releaseURL},
		{releaseURL + "unyank/", url.Values{"confirm_unyank_version": {"1.0"}}, releaseURL},
		{releaseURL + "delete/", url.Values{"confirm_delete_version": {"1.0"}}, releaseURL},
	}
	for _, f := range forms {
		wantRedirect(t, owen.post(f.path, f.form), "/account/confirm-password/?next="+url.QueryEscape(f.back))
	}
	if after := ix.roles(t); after != before {
		t.Errorf("roles changed without sudo: %s → %s", before, after)
	}
	for _, path := range []string{collabURL, releaseURL} {
		if r := owen.get(path); r.StatusCode != 200 {
			t.Errorf("GET %s out of sudo mode: %d", path, r.StatusCode)
		}
	}
	// Confirmed again, the same form goes through.
	wantRedirect(t, owen.post("/account/confirm-password/", url.Values{"password": {testPassword}, "next": {collabURL}}), collabURL)
	wantRedirect(t, owen.post(collabURL+"invite/", url.Values{"username": {"carol"}, "role": {"Owner"}}), collabURL+"?done=invited")
}
