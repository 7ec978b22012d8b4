package collab

import (
	"fmt"

	"wharf"
)

// Refusal names why the use case refused a request. A refused request's
// error carries a domain code and an English message for the command line
// and the logs; callers that explain refusals in their own words (the web
// pages, in every language) find the reason with errors.Is.
type Refusal string

// Error returns the reason's name.
func (r Refusal) Error() string { return string(r) }

// The reasons a request is refused.
const (
	RefusedRole         Refusal = "unknown role"
	RefusedNotOwner     Refusal = "not an owner"
	RefusedUnknownUser  Refusal = "unknown user"
	RefusedSelf         Refusal = "inviting oneself"
	RefusedHasRole      Refusal = "already a collaborator"
	RefusedPending      Refusal = "invitation pending"
	RefusedService      Refusal = "service account"
	RefusedUnverified   Refusal = "email not verified"
	RefusedLastOwner    Refusal = "last owner"
	RefusedSameRole     Refusal = "role unchanged"
	RefusedNoRole       Refusal = "not a collaborator"
	RefusedNoInvitation Refusal = "no invitation"
	RefusedExpired      Refusal = "invitation expired"
)

// refuse returns an error with the code, the reason and a message that is
// safe to show.
func refuse(code string, reason Refusal, format string, args ...any) error {
	return &wharf.Error{Code: code, Message: fmt.Sprintf(format, args...), Err: reason}
}
