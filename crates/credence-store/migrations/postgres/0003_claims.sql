-- Practitioners' private claim links (the token is kept only as its SHA-256) and whether the
-- practitioner has turned the public share page on.
CREATE TABLE claims (
    badge_id          TEXT PRIMARY KEY REFERENCES badges (badge_id),
    token_hash        TEXT NOT NULL UNIQUE,
    share_enabled     BOOLEAN NOT NULL DEFAULT FALSE,
    share_changed_at  TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL
);
