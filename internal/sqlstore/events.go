package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"wharf"
)

// Events lists the events matching f in ID order. Only the conditions a
// filter sets go into the query, so that the engine can use the user and
// project indexes; every value is bound, and the text comes from constants.
func (t *Tx) Events(ctx context.Context, f wharf.EventFilter) ([]wharf.Event, error) {
	if f.Limit < 1 || f.Limit > wharf.MaxEventPage {
		return nil, wharf.Errorf(wharf.EINVALID, "An event page holds 1 to %d events, not %d.", wharf.MaxEventPage, f.Limit)
	}
	where, args, order := []string{"id > ?"}, []any{f.AfterID}, "id"
	if f.Newest {
		order = "id DESC"
		if f.BeforeID > 0 {
			where, args = append(where, "id < ?"), append(args, f.BeforeID)
		}
	}
	if f.Tag != "" {
		// A prefix matches at a colon boundary; LIKE's wildcards in the
		// tag are escaped so that the filter means exactly what it says.
		escaped := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Tag)
		where, args = append(where, `(tag = ? OR tag LIKE ? ESCAPE '\')`), append(args, f.Tag, escaped+":%")
	}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.ProjectID != 0 {
		where, args = append(where, "project_id = ?"), append(args, f.ProjectID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "time >= ?"), append(args, micros(f.Since))
	}
	return queryAll(ctx, t, t.scanEvent, `SELECT id, tag, project_id, user_id, actor_id, ip, user_agent, details, time, ip_hashed
		FROM events WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, append(args, f.Limit)...)
}

// EventTags lists the distinct tags of the events of f's user and
// project. It seeks the next larger tag once per tag rather than reading
// every event: a user with thousands of logins has only a few dozen types
// of event, and an index on (user_id, tag) or (project_id, tag) makes
// each seek cheap.
func (t *Tx) EventTags(ctx context.Context, f wharf.EventFilter) ([]string, error) {
	where, args := []string{"tag > ?"}, []any{""}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.ProjectID != 0 {
		where, args = append(where, "project_id = ?"), append(args, f.ProjectID)
	}
	q := `SELECT tag FROM events WHERE ` + strings.Join(where, " AND ") + ` ORDER BY tag LIMIT 1`
	var tags []string
	for {
		var tag string
		err := t.queryRow(ctx, q, args...).Scan(&tag)
		if err == sql.ErrNoRows {
			return tags, nil
		}
		if err != nil {
			return nil, t.mapErr(err)
		}
		tags, args[0] = append(tags, tag), tag
	}
}

// HashEventIPs replaces the addresses of events older than before with
// hash(address), in batches so that a long history does not hold one huge
// statement.
func (t *Tx) HashEventIPs(ctx context.Context, before time.Time, hash func(ip string) string) (int, error) {
	type row struct {
		id int64
		ip string
	}
	rows, err := queryAll(ctx, t, func(r scanner) (*row, error) {
		var x row
		return &x, t.mapErr(r.Scan(&x.id, &x.ip))
	}, `SELECT id, ip FROM events WHERE time < ? AND ip_hashed = 0 AND ip <> '' ORDER BY id`, micros(before))
	if err != nil {
		return 0, err
	}
	for _, x := range rows {
		if _, err := t.exec(ctx, `UPDATE events SET ip = ?, ip_hashed = 1 WHERE id = ?`, hash(x.ip), x.id); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// scanEvent reads one row of the events table.
func (t *Tx) scanEvent(r scanner) (*wharf.Event, error) {
	var e wharf.Event
	var at int64
	var hashed int
	if err := r.Scan(&e.ID, &e.Tag, &e.ProjectID, &e.UserID, &e.ActorID, &e.IP, &e.UserAgent, &e.Details, &at, &hashed); err != nil {
		return nil, t.mapErr(err)
	}
	e.Time, e.IPHashed = fromMicros(at), hashed != 0
	return &e, nil
}
