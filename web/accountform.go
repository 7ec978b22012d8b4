package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"wharf"
	"wharf/accounts"
	"wharf/auth/password"
)

// maxFormBody bounds an account form: the longest field is a password of
// at most 4096 characters.
const maxFormBody = 64 << 10

// msg is one message of the account pages, named by a key that the
// template "account-msg" turns into localized text: messages live in the
// templates, where the catalog tests can see them.
type msg struct {
	Key   string
	Count int // minutes to wait, for "rate"
	// Detail is the use case's own message, shown when no key fits (Key
	// "detail"). It is safe to show but written in English.
	Detail string
}

// fieldError is a message about one field ("" for the whole form).
type fieldError struct {
	Field string
	Msg   msg
}

// form is what an account form shows again after a failed post: the values
// typed (never passwords), the errors next to their fields and in a summary
// at the top, and the status of the reply.
type form struct {
	values map[string]string
	Errors []fieldError
	status int
}

// input is the data of the template "account-input": one labelled field
// and its error, tied together with aria-describedby.
type input struct {
	Name, Type, Autocomplete, Label, Value string
	Error                                  *msg
}

// newForm returns the form of r, keeping the values of the named fields.
// The body was bounded and parsed by the route's adapter.
func newForm(r *http.Request, keep ...string) *form {
	f := &form{values: map[string]string{}, status: http.StatusOK}
	for _, k := range keep {
		f.values[k] = r.PostFormValue(k)
	}
	return f
}

// Input is a field for the template: {{template "account-input" (.Page.Form.Input "email" "email" "email" (t "…"))}}.
func (f *form) Input(name, typ, autocomplete, label string) input {
	in := input{Name: name, Type: typ, Autocomplete: autocomplete, Label: label, Value: f.values[name]}
	for _, e := range f.Errors {
		if e.Field == name {
			in.Error = &e.Msg
			break
		}
	}
	return in
}

// Value is a kept value, for fields the page lays out itself.
func (f *form) Value(name string) string { return f.values[name] }

// invalid records an error of field (or of the form, with "") and the
// status the reply gets.
func (f *form) invalid(status int, field string, m msg) {
	f.Errors = append(f.Errors, fieldError{Field: field, Msg: m})
	if f.status == http.StatusOK {
		f.status = status
	}
}

// required records an error for each named field that was left empty and
// reports whether all were filled in.
func (f *form) required(r *http.Request, fields ...string) bool {
	ok := true
	for _, name := range fields {
		if r.PostFormValue(name) == "" {
			f.invalid(http.StatusBadRequest, name, msg{Key: "required"})
			ok = false
		}
	}
	return ok
}

// useCaseError records an error a use case returned, under field, with the
// message key its code means on this form (keys maps codes to keys). A rate
// limit becomes 429 with Retry-After; a code the form does not expect
// shows the use case's own safe message; an internal error is returned,
// for the 500 page.
func (f *form) useCaseError(w http.ResponseWriter, err error, field string, keys map[string]string) error {
	var rate *accounts.RateError
	if errors.As(err, &rate) {
		secs := int((rate.Wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
		mins := int((rate.Wait + time.Minute - 1) / time.Minute)
		f.invalid(http.StatusTooManyRequests, "", msg{Key: "rate", Count: max(1, mins)})
		return nil
	}
	code := wharf.ErrorCode(err)
	if code == wharf.EINTERNAL {
		return err
	}
	if key, ok := keys[code]; ok {
		f.invalid(statusOf(err), field, msg{Key: key})
		return nil
	}
	f.invalid(statusOf(err), "", msg{Key: "detail", Detail: wharf.ErrorMessage(err)})
	return nil
}

// passwordError records a refused new password next to field, naming the
// rule it broke when the error says which.
func (f *form) passwordError(w http.ResponseWriter, err error, field string) error {
	var weak *password.WeakError
	switch {
	case errors.Is(err, password.ErrTooShort):
		f.invalid(http.StatusBadRequest, field, msg{Key: "password_short"})
	case errors.Is(err, password.ErrTooLong):
		f.invalid(http.StatusBadRequest, field, msg{Key: "password_long"})
	case errors.Is(err, password.ErrNUL), errors.Is(err, password.ErrEncoding), errors.Is(err, password.ErrEmpty):
		f.invalid(http.StatusBadRequest, field, msg{Key: "password_chars"})
	case errors.As(err, &weak):
		f.invalid(http.StatusBadRequest, field, msg{Key: "password_weak"})
	default:
		return f.useCaseError(w, err, field, nil)
	}
	return nil
}

// isPasswordRule reports whether err is a refusal by the password rules
// (length, characters, strength), as opposed to the rest of a form.
func isPasswordRule(err error) bool {
	var weak *password.WeakError
	return errors.Is(err, password.ErrTooShort) || errors.Is(err, password.ErrTooLong) ||
		errors.Is(err, password.ErrNUL) || errors.Is(err, password.ErrEncoding) ||
		errors.Is(err, password.ErrEmpty) || errors.As(err, &weak)
}

// newPasswordPair checks that the new password was typed twice alike.
func (f *form) newPasswordPair(r *http.Request) bool {
	if r.PostFormValue("new_password") != r.PostFormValue("password_confirm") {
		f.invalid(http.StatusBadRequest, "password_confirm", msg{Key: "password_mismatch"})
		return false
	}
	return true
}

// formPost adapts the handler of a page with a form: the session is
// loaded, and a posted body is bounded and parsed before h runs.
func (s *Server) formPost(h handlerFunc) handlerFunc {
	return s.withSession(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
			if err := r.ParseForm(); err != nil {
				return wharf.Errorf(wharf.EINVALID, "The form could not be read.")
			}
		}
		return h(w, r)
	})
}
