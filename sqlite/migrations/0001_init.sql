-- The initial schema. Times are Unix microseconds; booleans are 0/1.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE COLLATE NOCASE, -- PyPI: usernames are case-insensitive
	email         TEXT    NOT NULL,
	password_hash TEXT    NOT NULL DEFAULT '',
	is_admin      INTEGER NOT NULL DEFAULT 0,
	created       BIGINT  NOT NULL
);

CREATE TABLE tokens (
	id          TEXT    PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	description TEXT    NOT NULL DEFAULT '',
	projects    TEXT    NOT NULL DEFAULT '',
	expires     BIGINT  NOT NULL DEFAULT 0,
	created     BIGINT  NOT NULL,
	last_used   BIGINT  NOT NULL DEFAULT 0,
	revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE projects (
	id             INTEGER PRIMARY KEY,
	name           TEXT    NOT NULL UNIQUE,
	display_name   TEXT    NOT NULL,
	similarity_key TEXT    NOT NULL UNIQUE,
	last_serial    BIGINT  NOT NULL DEFAULT 0,
	total_size     BIGINT  NOT NULL DEFAULT 0,
	created        BIGINT  NOT NULL,
	created_by     INTEGER NOT NULL
);
CREATE INDEX projects_created_by ON projects(created_by, created);

CREATE TABLE roles (
	project_id INTEGER NOT NULL REFERENCES projects(id),
	user_id    INTEGER NOT NULL REFERENCES users(id),
	role       TEXT    NOT NULL,
	PRIMARY KEY (project_id, user_id)
);

CREATE TABLE releases (
	id              INTEGER PRIMARY KEY,
	project_id      INTEGER NOT NULL REFERENCES projects(id),
	version         TEXT    NOT NULL,
	canonical       TEXT    NOT NULL,
	sort_key        TEXT    NOT NULL,
	yanked          INTEGER NOT NULL DEFAULT 0,
	yanked_reason   TEXT    NOT NULL DEFAULT '',
	requires_python TEXT    NOT NULL DEFAULT '',
	summary         TEXT    NOT NULL DEFAULT '',
	info_json       TEXT    NOT NULL DEFAULT '{}',
	created         BIGINT  NOT NULL,
	UNIQUE (project_id, canonical)
);

CREATE TABLE files (
	id              INTEGER PRIMARY KEY,
	release_id      INTEGER NOT NULL REFERENCES releases(id),
	project_id      INTEGER NOT NULL REFERENCES projects(id),
	filename        TEXT    NOT NULL UNIQUE,
	packagetype     TEXT    NOT NULL,
	python_version  TEXT    NOT NULL,
	requires_python TEXT    NOT NULL DEFAULT '',
	size            BIGINT  NOT NULL,
	sha256          TEXT    NOT NULL UNIQUE,
	blake2b_256     TEXT    NOT NULL UNIQUE,
	md5             TEXT    NOT NULL,
	metadata_sha256 TEXT    NOT NULL DEFAULT '',
	metadata_size   BIGINT  NOT NULL DEFAULT 0,
	upload_time     BIGINT  NOT NULL,
	uploader_id     INTEGER NOT NULL,
	token_id        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX files_release ON files(release_id);
CREATE INDEX files_project ON files(project_id);
CREATE INDEX files_metadata ON files(metadata_sha256);

-- Every filename ever accepted; rows are never deleted, so a filename is
-- never reused even after its file is.
CREATE TABLE filenames (
	filename TEXT   PRIMARY KEY,
	created  BIGINT NOT NULL
);

CREATE TABLE journal (
	serial   INTEGER PRIMARY KEY,
	project  TEXT    NOT NULL,
	version  TEXT    NOT NULL DEFAULT '',
	filename TEXT    NOT NULL DEFAULT '',
	action   TEXT    NOT NULL,
	time     BIGINT  NOT NULL,
	actor_id INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
	id         INTEGER PRIMARY KEY,
	tag        TEXT    NOT NULL,
	project_id INTEGER NOT NULL DEFAULT 0,
	user_id    INTEGER NOT NULL DEFAULT 0,
	actor_id   INTEGER NOT NULL DEFAULT 0,
	ip         TEXT    NOT NULL DEFAULT '',
	user_agent TEXT    NOT NULL DEFAULT '',
	details    TEXT    NOT NULL DEFAULT '{}',
	time       BIGINT  NOT NULL
);
CREATE INDEX events_project ON events(project_id, time);
CREATE INDEX events_user ON events(user_id, time);
