//! The embedded migrations of each backend (`migrations/sqlite`, `migrations/postgres`),
//! compiled in by `sqlx::migrate!` (no database is needed at build time).

use sqlx::migrate::Migrator;

/// SQLite's migrations.
pub(crate) static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");

/// PostgreSQL's migrations.
pub(crate) static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");
