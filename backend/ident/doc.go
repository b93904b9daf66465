// Package ident quotes PostgreSQL identifiers. It is the one place where Tusk
// decides how a table, schema or column name is written into SQL it
// generates: the data tab's SELECT, UPDATE, INSERT and DELETE statements,
// the review of pending changes, and SQL exports.
//
// Quote writes a name bare only when the server is certain to read it back
// unchanged: it is made of lower-case ASCII letters, digits and underscores,
// does not start with a digit, and is not a keyword that needs quoting
// (reserved, type/function-name or column-name keywords). Everything else —
// capitals, spaces, embedded double quotes, non-ASCII letters, reserved words
// such as order or user — is double-quoted with embedded quotes doubled,
// exactly as the server's quote_ident does.
//
// The keyword list is the union of those categories over PostgreSQL 12 to 18,
// so a name is quoted when any supported server version would need it. The
// tests compare it with pg_get_keywords() of the server they run against, so
// a newer server with new keywords fails the build instead of a user's query.
package ident
