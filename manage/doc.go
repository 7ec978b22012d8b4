// Package manage holds the project-management use cases that change what
// installers see: yank, unyank, delete a release or a file, and grant or
// remove roles. Each change writes a journal entry and an audit event in the
// same transaction, so caches in every process can follow the journal.
//
// Yank, unyank, delete and the read views decide who may act (see
// Access): the operator, whose actor names no user, may do anything; a
// user must be an owner of the project to change it, a maintainer may
// only look, and anyone else is told the project does not exist.
package manage
