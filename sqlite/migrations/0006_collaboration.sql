-- Token pages, role invitations and audit retention (issue 4).

-- made_with_2fa: the session that created the token had passed a second
-- factor; the token list shows it.
ALTER TABLE tokens ADD COLUMN made_with_2fa INTEGER NOT NULL DEFAULT 0;

-- A pending invitation to take a role on a project; removed when it is
-- accepted, declined, revoked or replaced after expiring. What happened
-- to it is in events.
CREATE TABLE role_invitations (
	project_id INTEGER NOT NULL REFERENCES projects(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	role       TEXT    NOT NULL,
	invited_by INTEGER NOT NULL REFERENCES users(id),
	created    BIGINT  NOT NULL,
	expires    BIGINT  NOT NULL,
	PRIMARY KEY (project_id, user_id)
);
CREATE INDEX role_invitations_user ON role_invitations(user_id);

-- ip_hashed: the address was replaced by a keyed hash when the retention
-- period ended. events_time serves that sweep and the admin history.
ALTER TABLE events ADD COLUMN ip_hashed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX events_time ON events(time);
CREATE INDEX events_tag ON events(tag);
