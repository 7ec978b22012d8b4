package publish

import (
	"context"

	"wharf"
)

// Two-factor policies for uploads (Config.Require2FA).
const (
	Require2FAAll        = "all"
	Require2FAPublishers = "publishers"
	Require2FAOff        = "off"
)

// uploaderRefusal applies the account policy to the owner of an upload's
// token, as PyPI does: with two-factor authentication required (for "all"
// and "publishers" alike, since an uploader is a publisher), a user with
// no second factor, or without a verified email address, may not upload.
// Service accounts are exempt: they have no password to phish and log in
// nowhere. It returns the refusal, or an error reading the store.
func uploaderRefusal(ctx context.Context, tx wharf.Tx, u *wharf.User, require string) (refusal, err error) {
	if u.Service || require == "" || require == Require2FAOff {
		return nil, nil
	}
	if !u.EmailVerified {
		return wharf.Errorf(wharf.EFORBIDDEN, "User %q does not have a verified primary email address. Please add a verified primary email before attempting to upload to this index.", u.Name), nil
	}
	if u.TOTPSecret != nil {
		return nil, nil
	}
	keys, err := tx.SecurityKeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return wharf.Errorf(wharf.EFORBIDDEN, "User %q does not have two-factor authentication enabled. Please enable two-factor authentication before attempting to upload to this index.", u.Name), nil
	}
	return nil, nil
}
