package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"wharf"
	"wharf/dist"
)

// auditPage is how many events one read transaction of an export takes:
// enough to keep the number of transactions low, few enough that an export
// of millions of events never holds many in memory.
const auditPage = 1000

// runAudit runs "wharf audit export": it writes the audit events about a
// user, a project, or everything, recorded since a time, as JSON lines.
func runAudit(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "retain" {
		return runAuditRetain(ctx, args[1:], stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.String("user", "", "only events about this user")
	project := fs.String("project", "", "only events about this project")
	since := fs.String("since", "", "a lifetime back from now (30d, 12h), an RFC 3339 time or a date (UTC)")
	load := commonFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 || pos[0] != "export" || *since == "" {
		return errUsage
	}
	from, err := parseSince(*since, time.Now())
	if err != nil {
		return err
	}
	cfg, err := load()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer a.Close()
	filter, err := auditFilter(ctx, a.store, *user, *project, from)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	if _, err := exportEvents(ctx, a.store, filter, auditPage, w); err != nil {
		return err
	}
	return w.Flush()
}

// parseSince reads --since: a lifetime back from now ("30d"), an RFC 3339
// time, or a date, which means from the start of that day in UTC.
func parseSince(s string, now time.Time) (time.Time, error) {
	t, ok := timeArg(s, now, true, false)
	if !ok {
		return time.Time{}, fmt.Errorf("--since %q is not a lifetime (30d, 12h), an RFC 3339 time or a date (2006-01-02)", s)
	}
	return t, nil
}

// auditFilter turns the names given on the command line into ids.
func auditFilter(ctx context.Context, store wharf.Store, user, project string, since time.Time) (wharf.EventFilter, error) {
	f := wharf.EventFilter{Since: since}
	err := store.View(ctx, func(tx wharf.Tx) error {
		if user != "" {
			u, err := tx.UserByName(ctx, user)
			if err != nil {
				return err
			}
			f.UserID = u.ID
		}
		if project != "" {
			p, err := tx.ProjectByName(ctx, dist.NormalizeName(project))
			if err != nil {
				return err
			}
			f.ProjectID = p.ID
		}
		return nil
	})
	return f, err
}

// auditRecord is one line of an export.
type auditRecord struct {
	ID      int64  `json:"id"`
	Time    string `json:"time"`
	Tag     string `json:"tag"`
	User    string `json:"user"`
	Project string `json:"project"`
	Actor   string `json:"actor"`
	IP      string `json:"ip"`
	// IPHashed says IP is the keyed hash the retention period left in
	// place of the address.
	IPHashed  bool            `json:"ip_hashed"`
	UserAgent string          `json:"user_agent"`
	Details   json.RawMessage `json:"details"`
}

// exportEvents writes the events f selects as JSON lines, reading them in
// pages of pageSize, each in its own read transaction. Events are only
// ever appended, so paging by id neither skips nor repeats one. It returns
// the number of events written.
func exportEvents(ctx context.Context, store wharf.Store, f wharf.EventFilter, pageSize int, w io.Writer) (int, error) {
	names := newAuditNames()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	f.Limit, f.AfterID = pageSize, 0
	n := 0
	for {
		var page []auditRecord
		err := store.View(ctx, func(tx wharf.Tx) error {
			events, err := tx.Events(ctx, f)
			if err != nil {
				return err
			}
			page, err = names.records(ctx, tx, events)
			return err
		})
		if err != nil {
			return n, err
		}
		for _, r := range page {
			if err := enc.Encode(r); err != nil {
				return n, err
			}
		}
		n += len(page)
		if len(page) < pageSize {
			return n, nil
		}
		f.AfterID = page[len(page)-1].ID
	}
}

// auditNames resolves the user and project ids of events to names,
// remembering them across pages.
type auditNames struct {
	users    map[int64]string
	projects map[int64]string
}

func newAuditNames() *auditNames {
	return &auditNames{users: map[int64]string{0: ""}, projects: map[int64]string{0: ""}}
}

// records turns events into export lines.
func (a *auditNames) records(ctx context.Context, tx wharf.Tx, events []wharf.Event) ([]auditRecord, error) {
	out := make([]auditRecord, 0, len(events))
	for _, e := range events {
		user, err := a.user(ctx, tx, e.UserID)
		if err != nil {
			return nil, err
		}
		actor, err := a.user(ctx, tx, e.ActorID)
		if err != nil {
			return nil, err
		}
		project, err := a.project(ctx, tx, e.ProjectID)
		if err != nil {
			return nil, err
		}
		out = append(out, auditRecord{ID: e.ID, Time: e.Time.UTC().Format(time.RFC3339Nano), Tag: e.Tag,
			User: user, Project: project, Actor: actor, IP: e.IP, IPHashed: e.IPHashed, UserAgent: e.UserAgent, Details: detailsObject(e.Details)})
	}
	return out, nil
}

// user returns a user's name, or "#id" for an id no user has.
func (a *auditNames) user(ctx context.Context, tx wharf.Tx, id int64) (string, error) {
	if name, ok := a.users[id]; ok {
		return name, nil
	}
	u, err := tx.UserByID(ctx, id)
	switch {
	case wharf.IsCode(err, wharf.ENOTFOUND):
		a.users[id] = "#" + strconv.FormatInt(id, 10)
	case err != nil:
		return "", err
	default:
		a.users[id] = u.Name
	}
	return a.users[id], nil
}

// project returns a project's name, or "#id" for an id no project has.
// The store looks projects up by name only, so an unknown id reloads the
// list of projects once; ids still unknown then are remembered as such.
func (a *auditNames) project(ctx context.Context, tx wharf.Tx, id int64) (string, error) {
	if name, ok := a.projects[id]; ok {
		return name, nil
	}
	all, err := tx.Projects(ctx)
	if err != nil {
		return "", err
	}
	for _, p := range all {
		a.projects[p.ID] = p.Name
	}
	if _, ok := a.projects[id]; !ok {
		a.projects[id] = "#" + strconv.FormatInt(id, 10)
	}
	return a.projects[id], nil
}

// detailsObject returns stored details as a JSON object: details that are
// not one (empty, null, or not JSON) become {} or {"text": ...}.
func detailsObject(s string) json.RawMessage {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err == nil && obj != nil {
		return json.RawMessage(s)
	}
	if s == "" || s == "null" {
		return json.RawMessage("{}")
	}
	b, _ := json.Marshal(map[string]string{"text": s})
	return b
}
