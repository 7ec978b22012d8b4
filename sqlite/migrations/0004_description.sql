-- READMEs rendered once at upload (issue 5). description_html is NULL for
-- releases uploaded before this migration: their pages render the stored
-- description when they are shown.
ALTER TABLE releases ADD COLUMN description_type TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN description_html TEXT;

-- The home page lists the newest releases.
CREATE INDEX releases_created ON releases(created);
-- A user's page lists the projects they hold a role on.
CREATE INDEX roles_user ON roles(user_id);
