// Package publish is the upload use case: it authenticates an API token,
// validates an upload as PyPI's upload API does, inspects the archive,
// stores the blobs and records the file, all without knowing about HTTP.
// The web package maps requests to it and its coded errors back to HTTP.
package publish
