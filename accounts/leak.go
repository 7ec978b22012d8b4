package accounts

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"wharf"
	"wharf/auth/token"
)

// maxLeakURL bounds the public URL kept with a leak report, in characters;
// the URL comes from a secret scanner and is only shown, never followed.
const maxLeakURL = 2000

// RevokeLeaked acts on a token a secret scanner found in public at url: if
// raw is a token this index issued (well formed, its macaroon signed with
// our secret for its id, its record still active), it is revoked, the
// revocation is recorded as account:api_token:removed_leak in the same
// transaction, and the owner is mailed. It reports whether a token was
// revoked. Strings that are not our tokens, forged tokens and tokens
// already revoked are ignored without an error, so the caller can answer
// every report alike; only a failure of the store is returned.
func (s *Service) RevokeLeaked(ctx context.Context, actor wharf.Actor, raw, url string) (bool, error) {
	id, err := token.ParseID(raw)
	if err != nil {
		return false, nil
	}
	url = cleanLeakURL(url)
	var rec *wharf.Token
	var owner *wharf.User
	err = s.store.Update(ctx, func(tx wharf.Tx) error {
		t, err := tx.TokenByID(ctx, id)
		if wharf.IsCode(err, wharf.ENOTFOUND) {
			return nil
		} else if err != nil {
			return err
		}
		if t.Revoked || !s.issued(raw, tx, t.UserID) {
			return nil
		}
		u, err := tx.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if err := tx.RevokeToken(ctx, id); err != nil {
			return err
		}
		err = tx.AddEvent(ctx, actor.Event("account:api_token:removed_leak", 0, t.UserID, map[string]any{
			"token_id": id, "description": t.Description, "projects": t.Projects, "public_url": url}))
		if err != nil {
			return err
		}
		rec, owner = t, u
		return nil
	})
	if err != nil || rec == nil {
		return false, err
	}
	if s.web != nil {
		name := rec.Description
		if name == "" {
			name = rec.ID
		}
		s.notify(ctx, owner, "Your API token was found in public and revoked",
			"Your API token \""+name+"\" was found published at:",
			"",
			"    "+url,
			"",
			"It has been revoked and can no longer be used. Create a new token for what used it,",
			"and remove the leaked one from where it was published: it was public, so treat",
			"anything it could reach as possibly changed.",
			"",
			"Your tokens: "+s.link("/manage/account/token/"))
	}
	return true, nil
}

// issued reports whether raw carries a valid signature of ours for the
// user the record names. Expiry is not a reason to leave a token alone:
// an expired token is revoked as well, since its record is what matters
// to its owner.
func (s *Service) issued(raw string, tx wharf.Tx, userID int64) bool {
	_, err := s.tokens.Inspect(raw, tx.Now(), userID)
	return err == nil || errors.Is(err, token.ErrExpired) || errors.Is(err, token.ErrNotYetValid)
}

// cleanLeakURL makes a scanner's URL safe to record and to put in a mail:
// no control characters (which could forge lines in the mail) and a
// bounded length.
func cleanLeakURL(u string) string {
	u = strings.ToValidUTF8(u, "\uFFFD")
	u = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, u)
	if utf8.RuneCountInString(u) > maxLeakURL {
		u = string([]rune(u)[:maxLeakURL]) + "…"
	}
	return u
}
