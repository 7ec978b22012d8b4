package sqlstore

import (
	"context"
	"strings"

	"wharf"
)

// Events lists the events matching f in ID order. Only the conditions a
// filter sets go into the query, so that the engine can use the user and
// project indexes; every value is bound, and the text comes from constants.
func (t *Tx) Events(ctx context.Context, f wharf.EventFilter) ([]wharf.Event, error) {
	if f.Limit < 1 || f.Limit > wharf.MaxEventPage {
		return nil, wharf.Errorf(wharf.EINVALID, "An event page holds 1 to %d events, not %d.", wharf.MaxEventPage, f.Limit)
	}
	where := []string{"id > ?"}
	args := []any{f.AfterID}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.ProjectID != 0 {
		where, args = append(where, "project_id = ?"), append(args, f.ProjectID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "time >= ?"), append(args, micros(f.Since))
	}
	return queryAll(ctx, t, t.scanEvent, `SELECT id, tag, project_id, user_id, actor_id, ip, user_agent, details, time
		FROM events WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, append(args, f.Limit)...)
}

// scanEvent reads one row of the events table.
func (t *Tx) scanEvent(r scanner) (*wharf.Event, error) {
	var e wharf.Event
	var at int64
	if err := r.Scan(&e.ID, &e.Tag, &e.ProjectID, &e.UserID, &e.ActorID, &e.IP, &e.UserAgent, &e.Details, &at); err != nil {
		return nil, t.mapErr(err)
	}
	e.Time = fromMicros(at)
	return &e, nil
}
