-- 0003_connection_groups: folders of connections, with a colour and an order
-- the user chooses, and the order of connections inside them.

CREATE TABLE connection_groups (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (name <> ''),
    color      TEXT    NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- A connection in no group has a NULL group_id; deleting a group moves its
-- connections out of it. position orders connections within their group
-- (ties by name).
ALTER TABLE connections ADD COLUMN group_id TEXT REFERENCES connection_groups (id) ON DELETE SET NULL;
ALTER TABLE connections ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

CREATE INDEX connections_group_id ON connections (group_id);
