// Package manage holds the project-management use cases that change what
// installers see: yank, unyank, delete a release or a file, and grant or
// remove roles. Each change writes a journal entry and an audit event in the
// same transaction, so caches in every process can follow the journal.
package manage
