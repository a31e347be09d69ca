-- Bitstring status lists (PostgreSQL): the lists, one row per bit handed out to a badge (a slot),
-- and a lock row for allocators. A slot is never freed or handed out again.

-- One row, locked (FOR UPDATE) by allocators so replicas hand out slots one batch at a time.
CREATE TABLE status_allocator (
    id BIGINT PRIMARY KEY CHECK (id = 1)
);
INSERT INTO status_allocator (id) VALUES (1);

-- A list of `size` bits, published at {base}/status/{list_id}. `allocated` counts its slots;
-- `version` goes up whenever a bit changes, and `signed_credential` is the last signed list
-- credential, made at `signed_version` (a cache: current only while it equals `version`).
CREATE TABLE status_lists (
    list_id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    purpose           TEXT    NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    size              BIGINT  NOT NULL CHECK (size > 0 AND size % 8 = 0),
    allocated         BIGINT  NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= size),
    version           BIGINT  NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL,
    signed_version    BIGINT,
    signed_credential TEXT,
    CHECK ((signed_version IS NULL) = (signed_credential IS NULL))
);
CREATE INDEX status_lists_purpose ON status_lists (purpose, list_id);

-- One bit of a list reserved for a badge, and its state: set (revoked / suspended) or not, with
-- the reason, note, time and actor of the last change. The badge need not be recorded (yet).
CREATE TABLE status_slots (
    list_id    BIGINT  NOT NULL REFERENCES status_lists (list_id),
    idx        BIGINT  NOT NULL CHECK (idx >= 0),
    badge_id   TEXT    NOT NULL,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    is_set     BOOLEAN NOT NULL DEFAULT FALSE,
    reason     TEXT,
    note       TEXT,
    changed_at TIMESTAMPTZ,
    changed_by TEXT,
    PRIMARY KEY (list_id, idx),
    UNIQUE (badge_id, purpose)
);
CREATE INDEX status_slots_set ON status_slots (list_id, idx) WHERE is_set;
