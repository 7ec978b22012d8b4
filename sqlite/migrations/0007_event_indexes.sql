-- History pages read a user's or a project's newest events by id, and the
-- event types present, for their filter. Indexes by (user, time) made
-- SQLite sort all of a user's events for each page; (user, id) lets it
-- read the newest 51 off the index, and (user, tag) lets the list of
-- types be found by one seek per type. Events get ids in time order, so
-- the time indexes serve nothing the id ones do not.
DROP INDEX events_user;
DROP INDEX events_project;
CREATE INDEX events_user_id ON events(user_id, id);
CREATE INDEX events_project_id ON events(project_id, id);
CREATE INDEX events_user_tag ON events(user_id, tag);
CREATE INDEX events_project_tag ON events(project_id, tag);
