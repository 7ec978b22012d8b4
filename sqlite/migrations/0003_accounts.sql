-- Web accounts with multi-factor authentication (issue 3).
ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN service        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_secret    BLOB    NOT NULL DEFAULT x'';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN login_count    BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN pending_email  TEXT    NOT NULL DEFAULT '';
CREATE INDEX users_email ON users(email COLLATE NOCASE);

-- Accounts made before this migration were made by an administrator on
-- the command line, who vouched for the address.
UPDATE users SET email_verified = 1;

CREATE TABLE sessions (
	id_hash    TEXT    PRIMARY KEY,      -- sha256 of the cookie's id
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created    BIGINT  NOT NULL,
	last_seen  BIGINT  NOT NULL,
	auth_at    BIGINT  NOT NULL,
	ip         TEXT    NOT NULL DEFAULT '',
	user_agent TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE security_keys (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users(id),
	label         TEXT    NOT NULL,
	credential_id BLOB    NOT NULL UNIQUE,
	data          BLOB    NOT NULL,
	sign_count    BIGINT  NOT NULL DEFAULT 0,
	created       BIGINT  NOT NULL,
	last_used     BIGINT  NOT NULL DEFAULT 0,
	UNIQUE (user_id, label)
);

CREATE TABLE recovery_codes (
	id      INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	hash    TEXT    NOT NULL,
	used    BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE email_tokens (
	hash    TEXT    PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	purpose TEXT    NOT NULL,
	email   TEXT    NOT NULL,
	expires BIGINT  NOT NULL,
	used    INTEGER NOT NULL DEFAULT 0
);
