-- The Centre's keyed digest (HMAC-SHA-256 under a secret of the service) of each badge holder's
-- regulator registration. Badges carry no registration number, not even hashed; the service
-- answers "is this badge that registration's?" from here.
CREATE TABLE badge_registrations (
    badge_id  TEXT PRIMARY KEY REFERENCES badges (badge_id),
    digest    TEXT NOT NULL
);
