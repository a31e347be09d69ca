-- Practitioners' private claim links (the token is kept only as its SHA-256) and whether the
-- practitioner has turned the public share page on.
CREATE TABLE claims (
    badge_id          TEXT PRIMARY KEY REFERENCES badges (badge_id),
    token_hash        TEXT NOT NULL UNIQUE,
    share_enabled     INTEGER NOT NULL DEFAULT 0,
    share_changed_at  TEXT,
    created_at        TEXT NOT NULL
);
