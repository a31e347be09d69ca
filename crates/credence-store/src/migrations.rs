//! The embedded migrations of each backend (`migrations/sqlite`, `migrations/postgres`), compiled in
//! with `include_str!` so no `macros` feature and no database are needed at build time.

use std::borrow::Cow;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::error::StoreError;

/// One backend's migrations: (version, description, SQL).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Embedded(&'static [(i64, &'static str, &'static str)]);

/// SQLite migrations.
pub(crate) const SQLITE: Embedded = Embedded(&[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "status",
        include_str!("../migrations/sqlite/0002_status.sql"),
    ),
    (
        3,
        "claims",
        include_str!("../migrations/sqlite/0003_claims.sql"),
    ),
    (
        4,
        "registrations",
        include_str!("../migrations/sqlite/0004_registrations.sql"),
    ),
]);

/// PostgreSQL migrations.
pub(crate) const POSTGRES: Embedded = Embedded(&[
    (
        1,
        "initial",
        include_str!("../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "status",
        include_str!("../migrations/postgres/0002_status.sql"),
    ),
    (
        3,
        "claims",
        include_str!("../migrations/postgres/0003_claims.sql"),
    ),
    (
        4,
        "registrations",
        include_str!("../migrations/postgres/0004_registrations.sql"),
    ),
]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> futures_core::future::BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

impl Embedded {
    /// The migrator for these migrations.
    pub(crate) async fn migrator(self) -> Result<Migrator, StoreError> {
        Ok(Migrator::new(self).await?)
    }
}
