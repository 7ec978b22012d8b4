// Package web is all of wharf's HTTP: routes, middleware, the upload API,
// the Simple Repository API (PEP 503/691), the JSON API and file serving.
// It is the only package that knows HTTP status codes; use cases below it
// return coded wharf errors, which errors.go maps to responses.
package web
