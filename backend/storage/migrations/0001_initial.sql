-- 0001_initial: the first schema of the local store.
--
-- Conventions: every ordinary table is STRICT; timestamps are INTEGER Unix
-- milliseconds (UTC); text identifiers are canonical lowercase UUIDs; optional
-- references are NULL, optional text is ''. No column holds a secret: database
-- passwords and SSH key passphrases live in the OS keychain under
-- db:<connection id> and ssh:<tunnel id>.

CREATE TABLE ssh_tunnels (
    id               TEXT    NOT NULL PRIMARY KEY,
    name             TEXT    NOT NULL CHECK (name <> ''),
    host             TEXT    NOT NULL CHECK (host <> ''),
    port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    username         TEXT    NOT NULL,
    auth_method      TEXT    NOT NULL CHECK (auth_method IN ('key', 'password', 'agent')),
    key_path         TEXT    NOT NULL DEFAULT '',
    known_hosts_path TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE connections (
    id                   TEXT    NOT NULL PRIMARY KEY,
    name                 TEXT    NOT NULL CHECK (name <> ''),
    host                 TEXT    NOT NULL,
    port                 INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    database             TEXT    NOT NULL,
    username             TEXT    NOT NULL,
    ssl_mode             TEXT    NOT NULL DEFAULT 'prefer'
        CHECK (ssl_mode IN ('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full')),
    ssl_root_cert_path   TEXT    NOT NULL DEFAULT '',
    ssl_client_cert_path TEXT    NOT NULL DEFAULT '',
    ssl_client_key_path  TEXT    NOT NULL DEFAULT '',
    ssh_tunnel_id        TEXT    REFERENCES ssh_tunnels (id) ON DELETE SET NULL,
    options              TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    color                TEXT    NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    last_connected_at    INTEGER
) STRICT;

CREATE INDEX connections_ssh_tunnel_id ON connections (ssh_tunnel_id);

-- History belongs to its connection: deleting a connection deletes its
-- history (ON DELETE CASCADE). Entries with a NULL connection_id were not run
-- against a saved connection.
CREATE TABLE query_history (
    id            INTEGER NOT NULL PRIMARY KEY,
    connection_id TEXT    REFERENCES connections (id) ON DELETE CASCADE,
    sql           TEXT    NOT NULL,
    executed_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL CHECK (duration_ms >= 0),
    row_count     INTEGER,
    error_message TEXT,
    error_code    TEXT
) STRICT;

CREATE INDEX query_history_connection_id ON query_history (connection_id, id);

-- Full-text index over query_history.sql (external content: the text is stored
-- once, in query_history). The triggers below keep it in step.
CREATE VIRTUAL TABLE query_history_fts USING fts5 (
    sql,
    content = 'query_history',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4'
);

CREATE TRIGGER query_history_fts_insert AFTER INSERT ON query_history BEGIN
    INSERT INTO query_history_fts (rowid, sql) VALUES (new.id, new.sql);
END;

CREATE TRIGGER query_history_fts_delete AFTER DELETE ON query_history BEGIN
    INSERT INTO query_history_fts (query_history_fts, rowid, sql) VALUES ('delete', old.id, old.sql);
END;

CREATE TRIGGER query_history_fts_update AFTER UPDATE OF sql ON query_history BEGIN
    INSERT INTO query_history_fts (query_history_fts, rowid, sql) VALUES ('delete', old.id, old.sql);
    INSERT INTO query_history_fts (rowid, sql) VALUES (new.id, new.sql);
END;

-- Saved queries are the user's own work: they outlive the connection they
-- were written for (ON DELETE SET NULL).
CREATE TABLE saved_queries (
    id            TEXT    NOT NULL PRIMARY KEY,
    connection_id TEXT    REFERENCES connections (id) ON DELETE SET NULL,
    name          TEXT    NOT NULL CHECK (name <> ''),
    sql           TEXT    NOT NULL,
    folder_path   TEXT    NOT NULL DEFAULT '/'
        CHECK (folder_path = '/' OR (substr(folder_path, 1, 1) = '/' AND substr(folder_path, -1, 1) <> '/')),
    description   TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX saved_queries_folder_path ON saved_queries (folder_path, name);
CREATE INDEX saved_queries_connection_id ON saved_queries (connection_id);

CREATE TABLE ui_state (
    key        TEXT    NOT NULL PRIMARY KEY CHECK (key <> ''),
    value      TEXT    NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
) STRICT;
