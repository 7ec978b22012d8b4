-- Full-text search (issue 5). Each project is indexed by the metadata of
-- its latest release: the newest final release that is not yanked, else
-- the newest pre-release that is not yanked, else the newest release, as
-- the project page and the JSON API choose it. Triggers keep the index in
-- step with releases in the same transaction as every upload, yank and
-- deletion, so no code path can forget it.

-- search_docs names each project's latest release. It and
-- search_classifiers are plain tables that the portable search query
-- (internal/sqlstore) joins; only search_fts is SQLite's own. They hold
-- derived data, so they carry no foreign keys: the triggers below delete
-- their rows when a release or project goes.
CREATE TABLE search_docs (
	project_id INTEGER PRIMARY KEY,
	release_id INTEGER NOT NULL
);
CREATE INDEX search_docs_release ON search_docs(release_id);

-- search_classifiers lists the latest release's classifiers, one a row,
-- for exact filters ("c=Topic :: Internet").
CREATE TABLE search_classifiers (
	project_id INTEGER NOT NULL,
	classifier TEXT    NOT NULL,
	PRIMARY KEY (project_id, classifier)
);
CREATE INDEX search_classifiers_classifier ON search_classifiers(classifier);

-- search_fts is the word index; its rowid is the project id. It is
-- contentless: the texts live in releases already, and a description can
-- be large. The porter stemmer lets "parsing" find "parse";
-- unicode61 folds case and diacritics in every script.
CREATE VIRTUAL TABLE search_fts USING fts5(
	name, summary, description, keywords, classifiers,
	content = '', contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- search_latest names each project's latest release. A normalized version
-- is a pre-release exactly when its public part (before "+") holds one of
-- the letters of "a", "b", "rc" or "dev"; "post" and the epoch's "!" hold
-- none of them. SQLite pushes a filter on project_id into the window.
CREATE VIEW search_latest AS
SELECT project_id, release_id FROM (
	SELECT project_id, id AS release_id, row_number() OVER (
		PARTITION BY project_id
		ORDER BY yanked,
			CASE WHEN yanked = 0 THEN substr(version, 1, instr(version || '+', '+') - 1) GLOB '*[abcd]*' ELSE 0 END,
			sort_key DESC, id DESC
	) AS n
	FROM releases
) WHERE n = 1;

-- A search_docs row brings its project's words and classifiers into the
-- index; info_json that is not valid JSON indexes as empty rather than
-- failing the upload.
CREATE TRIGGER search_docs_insert AFTER INSERT ON search_docs BEGIN
	INSERT INTO search_fts (rowid, name, summary, description, keywords, classifiers)
	SELECT p.id, p.name, r.summary,
		coalesce(json_extract(r.info, '$.description'), ''),
		coalesce(json_extract(r.info, '$.keywords'), ''),
		coalesce((SELECT group_concat(c.value, char(10)) FROM json_each(r.info, '$.classifiers') c), '')
	FROM projects p, (
		SELECT summary, CASE WHEN json_valid(info_json) THEN info_json ELSE '{}' END AS info
		FROM releases WHERE id = NEW.release_id
	) r
	WHERE p.id = NEW.project_id;
	INSERT OR IGNORE INTO search_classifiers (project_id, classifier)
	SELECT NEW.project_id, c.value
	FROM releases r, json_each(CASE WHEN json_valid(r.info_json) THEN r.info_json ELSE '{}' END, '$.classifiers') c
	WHERE r.id = NEW.release_id AND c.type = 'text';
END;

CREATE TRIGGER search_docs_delete AFTER DELETE ON search_docs BEGIN
	DELETE FROM search_fts WHERE rowid = OLD.project_id;
	DELETE FROM search_classifiers WHERE project_id = OLD.project_id;
END;

-- A change to a project's releases picks its latest release again.
CREATE TRIGGER search_release_insert AFTER INSERT ON releases BEGIN
	DELETE FROM search_docs WHERE project_id = NEW.project_id;
	INSERT INTO search_docs (project_id, release_id)
	SELECT project_id, release_id FROM search_latest WHERE project_id = NEW.project_id;
END;

CREATE TRIGGER search_release_update AFTER UPDATE OF version, sort_key, yanked, summary, info_json ON releases BEGIN
	DELETE FROM search_docs WHERE project_id = NEW.project_id;
	INSERT INTO search_docs (project_id, release_id)
	SELECT project_id, release_id FROM search_latest WHERE project_id = NEW.project_id;
END;

CREATE TRIGGER search_release_delete AFTER DELETE ON releases BEGIN
	DELETE FROM search_docs WHERE project_id = OLD.project_id;
	INSERT INTO search_docs (project_id, release_id)
	SELECT project_id, release_id FROM search_latest WHERE project_id = OLD.project_id;
END;

-- A renamed project is indexed under its new name; a deleted one leaves.
CREATE TRIGGER search_project_rename AFTER UPDATE OF name ON projects BEGIN
	DELETE FROM search_docs WHERE project_id = NEW.id;
	INSERT INTO search_docs (project_id, release_id)
	SELECT project_id, release_id FROM search_latest WHERE project_id = NEW.id;
END;

CREATE TRIGGER search_project_delete AFTER DELETE ON projects BEGIN
	DELETE FROM search_docs WHERE project_id = OLD.id;
END;

-- Projects uploaded before this migration: the insert trigger above
-- indexes each row as it goes in.
INSERT INTO search_docs (project_id, release_id)
SELECT project_id, release_id FROM search_latest;
