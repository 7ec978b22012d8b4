package browser

import (
	"context"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// AddVirtualAuthenticator attaches a simulated security key to the page's
// tab and returns its id: a CTAP2 platform authenticator with resident
// keys and user verification that always succeeds and needs no touch,
// so navigator.credentials.create and get resolve at once. It is removed
// when the tab closes.
func (p *Page) AddVirtualAuthenticator() webauthn.AuthenticatorID {
	p.t.Helper()
	var id webauthn.AuthenticatorID
	p.call("adding a virtual authenticator", func(ctx context.Context) error {
		// Disabling the UI keeps Chromium from waiting for a person
		// to pick an authenticator.
		if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{EnableUI: new(false)}); err != nil {
			return err
		}
		res, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol:                    webauthn.AuthenticatorProtocolCtap2,
				Ctap2version:                webauthn.Ctap2versionCtap21,
				Transport:                   webauthn.AuthenticatorTransportInternal,
				HasResidentKey:              true,
				HasUserVerification:         true,
				IsUserVerified:              true,
				AutomaticPresenceSimulation: true,
			},
		})
		id = res.AuthenticatorID
		return err
	})
	return id
}

// Credentials returns the credentials the virtual authenticator id holds,
// with their ids, relying party, user handle and signature counts.
func (p *Page) Credentials(id webauthn.AuthenticatorID) []*webauthn.Credential {
	p.t.Helper()
	var creds []*webauthn.Credential
	p.call("reading the authenticator's credentials", func(ctx context.Context) error {
		res, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		creds = res.Credentials
		return err
	})
	return creds
}

// RemoveVirtualAuthenticator detaches the authenticator id, as when a
// person unplugs their key.
func (p *Page) RemoveVirtualAuthenticator(id webauthn.AuthenticatorID) {
	p.t.Helper()
	p.call("removing the virtual authenticator", func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: id})
		return err
	})
}
