package sqlstore

import (
	"context"

	"wharf"
)

// Journal appends e, fills its Serial and Time, and raises the project's
// last serial when the project still exists.
func (t *Tx) Journal(ctx context.Context, e *wharf.JournalEntry) error {
	e.Time = t.now
	err := t.queryRow(ctx, `INSERT INTO journal (project, version, filename, action, time, actor_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING serial`,
		e.Project, e.Version, e.Filename, e.Action, micros(e.Time), e.ActorID).Scan(&e.Serial)
	if err != nil {
		return t.mapErr(err)
	}
	_, err = t.exec(ctx, `UPDATE projects SET last_serial = ? WHERE name = ?`, e.Serial, e.Project)
	return err
}

// LastSerial returns the newest serial, or 0 for an empty journal.
func (t *Tx) LastSerial(ctx context.Context) (int64, error) {
	var s int64
	err := t.queryRow(ctx, `SELECT COALESCE(MAX(serial), 0) FROM journal`).Scan(&s)
	return s, t.mapErr(err)
}

// JournalSince lists up to limit entries with a serial above serial.
func (t *Tx) JournalSince(ctx context.Context, serial int64, limit int) ([]wharf.JournalEntry, error) {
	rows, err := t.query(ctx, `SELECT serial, project, version, filename, action, time, actor_id FROM journal
		WHERE serial > ? ORDER BY serial LIMIT ?`, serial, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wharf.JournalEntry
	for rows.Next() {
		var e wharf.JournalEntry
		var at int64
		if err := rows.Scan(&e.Serial, &e.Project, &e.Version, &e.Filename, &e.Action, &at, &e.ActorID); err != nil {
			return nil, t.mapErr(err)
		}
		e.Time = fromMicros(at)
		out = append(out, e)
	}
	return out, t.mapErr(rows.Err())
}

// AddEvent appends an audit event and sets its ID and Time.
func (t *Tx) AddEvent(ctx context.Context, e *wharf.Event) error {
	e.Time = t.now
	if e.Details == "" {
		e.Details = "{}"
	}
	id, err := t.insertID(ctx, `INSERT INTO events (tag, project_id, user_id, actor_id, ip, user_agent, details, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Tag, e.ProjectID, e.UserID, e.ActorID, e.IP, e.UserAgent, e.Details, micros(e.Time))
	e.ID = id
	return err
}
