package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"wharf"
	"wharf/internal/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure the adapter.
type Options struct {
	Path string           // database file
	Now  func() time.Time // clock; time.Now when nil
}

// Store implements wharf.Store on a SQLite file.
type Store struct {
	writer *sql.DB // one connection: SQLite has one writer
	reader *sql.DB
	now    func() time.Time
}

var _ wharf.Store = (*Store)(nil)

type dialect struct{}

func (dialect) Rebind(q string) string { return q }

func (dialect) IsUniqueViolation(err error) bool {
	var se *sqlitedrv.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code()
	return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func dsn(path string, txlock string, extra ...string) string {
	q := url.Values{}
	for _, p := range append([]string{"busy_timeout(30000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"}, extra...) {
		q.Add("_pragma", p)
	}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return "file:" + uriPath(path) + "?" + q.Encode()
}

// uriPath escapes the characters that end or alter the path of an SQLite
// "file:" URI, so that a data folder such as "/srv/wharf#2" or "100%" names
// the file it says instead of a truncated or misdecoded one.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Open opens (creating if needed) the database and applies migrations.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Path == "" {
		return nil, wharf.Errorf(wharf.EINVALID, "sqlite: empty database path")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	writer, err := sql.Open("sqlite", dsn(opts.Path, "immediate"))
	if err != nil {
		return nil, wharf.WrapError(wharf.EINTERNAL, "sqlite: open", err)
	}
	writer.SetMaxOpenConns(1)
	reader, err := sql.Open("sqlite", dsn(opts.Path, "", "query_only(1)"))
	if err != nil {
		writer.Close()
		return nil, wharf.WrapError(wharf.EINTERNAL, "sqlite: open", err)
	}
	reader.SetMaxOpenConns(8)
	s := &Store{writer: writer, reader: reader, now: now}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(wharf.Tx) error) error {
	return s.run(ctx, s.reader, fn)
}

// Update runs fn in a read-write transaction.
func (s *Store) Update(ctx context.Context, fn func(wharf.Tx) error) error {
	return s.run(ctx, s.writer, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, fn func(wharf.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return wharf.WrapError(wharf.EINTERNAL, "database error", err)
	}
	// The deferred Rollback also runs when fn panics: the writer pool has
	// one connection, and a transaction left open would block every later
	// write. After a Commit it does nothing.
	defer tx.Rollback()
	if err := fn(sqlstore.New(tx, dialect{}, s.now())); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wharf.WrapError(wharf.EINTERNAL, "database error", err)
	}
	return nil
}

// migrate applies every embedded migration newer than the schema version,
// each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)`); err != nil {
		return wharf.WrapError(wharf.EINTERNAL, "sqlite: migrate", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return wharf.WrapError(wharf.EINTERNAL, "sqlite: migrate", err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return wharf.WrapError(wharf.EINTERNAL, "sqlite: bad migration name "+base, err)
		}
		if err := s.applyMigration(ctx, num, name); err != nil {
			return wharf.WrapError(wharf.EINTERNAL, fmt.Sprintf("sqlite: migration %s", base), err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, num int, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, num).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`, num, s.now().UnixMicro()); err != nil {
		return err
	}
	return tx.Commit()
}
