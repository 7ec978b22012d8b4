package publish

import (
	"errors"

	"wharf"
	"wharf/render"
)

// describe renders the upload's description as the project page will show
// it, once, with the rules of PyPI: an empty content type means
// reStructuredText, an unknown one plain text, and a reStructuredText
// description that cannot be rendered refuses the upload. The message
// names the content type and, when the renderer knows them, the line and
// the reason, so the uploader can fix the README (wharf render FILE shows
// the same before uploading).
//
// Files imported from disk (wharf import) are never refused for their
// README: they are often old PyPI releases, uploaded before PyPI checked
// descriptions. Theirs falls back to plain text, and one that cannot be
// rendered even so is not stored (nil), which the page copes with.
func (s *Service) describe(fm *form, local bool) (*wharf.Description, error) {
	opt := s.cfg.Readme
	opt.Fallback = opt.Fallback || local
	res, err := render.Render(fm.meta.DescriptionContentType, fm.meta.Description, opt)
	var rerr *render.Error
	switch {
	case err == nil:
		return &wharf.Description{ContentType: res.ContentType, HTML: res.HTML}, nil
	case errors.As(err, &rerr) && local:
		s.log.Warn("description not rendered", "project", fm.name, "version", fm.version.String(), "err", err)
		return nil, nil
	case errors.As(err, &rerr):
		code := wharf.EINVALID
		if errors.Is(err, render.ErrTooLarge) {
			code = wharf.ETOOLARGE
		}
		return nil, wharf.WrapError(code, rerr.Error()+" See /help/#description-content-type for more information.", err)
	default:
		// Anything but an *Error is a bug in the renderer: the uploader
		// cannot fix it, so it is an internal error, logged, rather than a
		// reason shown to them.
		return nil, wharf.WrapError(wharf.EINTERNAL, "rendering the description", err)
	}
}
