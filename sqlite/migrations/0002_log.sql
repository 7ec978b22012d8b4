-- The transparency log (issue 6). Records and stored hashes are appended,
-- never updated or deleted; checkpoints are signed after commits.
CREATE TABLE log_records (
	idx      INTEGER PRIMARY KEY,     -- 0-based record index
	data     BLOB   NOT NULL,         -- canonical encoding (wharf/tlog)
	filename TEXT                     -- set for file records only
);
CREATE UNIQUE INDEX log_records_filename ON log_records(filename) WHERE filename IS NOT NULL;

CREATE TABLE log_hashes (
	id   INTEGER PRIMARY KEY,         -- storage index (tlog.StoredHashIndex)
	hash BLOB   NOT NULL
);

CREATE TABLE log_checkpoints (
	size    INTEGER PRIMARY KEY,
	note    BLOB   NOT NULL,
	created BIGINT NOT NULL
);

CREATE TABLE log_cosignatures (
	size    BIGINT NOT NULL,
	witness TEXT   NOT NULL,
	line    TEXT   NOT NULL,
	created BIGINT NOT NULL,
	PRIMARY KEY (size, witness)
);

ALTER TABLE files ADD COLUMN log_index BIGINT NOT NULL DEFAULT -1;
