-- Credence store schema (SQLite). Times are RFC 3339 text, dates YYYY-MM-DD text; domain
-- documents are JSON text; signed credentials are stored exactly as signed.

CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
);

CREATE TABLE specifications (
    spec_id    TEXT NOT NULL,
    version    TEXT NOT NULL,
    title      TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (spec_id, version)
);

CREATE TABLE providers (
    ukprn      TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE approvals (
    approval_id TEXT PRIMARY KEY,
    provider    TEXT NOT NULL REFERENCES providers (ukprn),
    spec_id     TEXT NOT NULL,
    version     TEXT NOT NULL,
    document    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    FOREIGN KEY (spec_id, version) REFERENCES specifications (spec_id, version)
);
CREATE INDEX approvals_provider ON approvals (provider);

CREATE TABLE approval_changes (
    approval_id TEXT    NOT NULL REFERENCES approvals (approval_id),
    seq         INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    effective   TEXT    NOT NULL,
    note        TEXT,
    recorded_at TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    PRIMARY KEY (approval_id, seq)
);

CREATE TABLE api_clients (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE signing_keys (
    verification_method  TEXT PRIMARY KEY,
    public_key_multibase TEXT NOT NULL UNIQUE,
    state                TEXT NOT NULL CHECK (state IN ('active', 'retired')),
    created_at           TEXT NOT NULL,
    retired_at           TEXT
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';

CREATE TABLE completions (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    provider           TEXT NOT NULL REFERENCES providers (ukprn),
    provider_reference TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    spec_id            TEXT NOT NULL,
    version            TEXT NOT NULL,
    completed_on       TEXT NOT NULL,
    recorded_at        TEXT NOT NULL,
    UNIQUE (provider, provider_reference)
);
CREATE INDEX completions_spec ON completions (spec_id, version);

CREATE TABLE badges (
    badge_id            TEXT PRIMARY KEY,
    completion_seq      INTEGER NOT NULL UNIQUE REFERENCES completions (seq),
    credential          TEXT NOT NULL,
    jwt                 TEXT,
    verification_method TEXT NOT NULL,
    issued_at           TEXT NOT NULL,
    -- Microseconds since the epoch: one portable, sortable form for range filters.
    issued_us           BIGINT NOT NULL
);
