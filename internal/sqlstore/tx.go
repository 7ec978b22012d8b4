package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"wharf"
)

// Dialect is what differs between SQL engines.
type Dialect interface {
	// Rebind rewrites '?' placeholders into the engine's form.
	Rebind(query string) string
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation(err error) bool
}

// Tx implements wharf.Tx on one database transaction.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	now     time.Time
}

var _ wharf.Tx = (*Tx)(nil)

// New wraps tx; now is the transaction's fixed clock reading.
func New(tx *sql.Tx, d Dialect, now time.Time) *Tx {
	return &Tx{tx: tx, dialect: d, now: now.UTC().Truncate(time.Microsecond)}
}

// Now returns the transaction's fixed time.
func (t *Tx) Now() time.Time { return t.now }

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, t.dialect.Rebind(q), args...)
	return res, t.mapErr(err)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.dialect.Rebind(q), args...)
	return rows, t.mapErr(err)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.dialect.Rebind(q), args...)
}

// mapErr turns driver errors into coded wharf errors.
func (t *Tx) mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case t.dialect.IsUniqueViolation(err):
		return wharf.WrapError(wharf.ECONFLICT, "Already exists.", err)
	default:
		return wharf.WrapError(wharf.EINTERNAL, "database error", err)
	}
}

// scanErr maps a Scan error, turning "no rows" into ENOTFOUND with what.
func (t *Tx) scanErr(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return wharf.Errorf(wharf.ENOTFOUND, "%s not found.", what)
	}
	return t.mapErr(err)
}

// micros converts a time to the stored form; the zero time is stored as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros is the inverse of micros.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertID runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if err := t.queryRow(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
		return 0, t.mapErr(err)
	}
	return id, nil
}

// scanner is a row that can be scanned: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, t *Tx, scan func(scanner) (*T, error), q string, args ...any) ([]T, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, t.mapErr(rows.Err())
}
