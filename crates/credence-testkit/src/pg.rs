//! A fresh PostgreSQL schema per test.

use sqlx::PgPool;

use crate::PG_ENV;

/// A fresh PostgreSQL schema on the test server (dropped by [`PgSchema::drop_schema`]); `url`
/// selects it through `search_path`, so every connection of a store or a service lands there.
pub struct PgSchema {
    /// The database URL with the schema as `search_path`.
    pub url: String,
    admin: PgPool,
    schema: String,
}

impl PgSchema {
    /// A new empty schema, or `None` when no test server is configured.
    pub async fn create() -> Option<PgSchema> {
        let base = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty())?;
        let admin = PgPool::connect(&base).await.unwrap();
        let schema = format!("api_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        Some(PgSchema { url, admin, schema })
    }

    /// Drops the schema and everything in it.
    pub async fn drop_schema(self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(&self.admin)
            .await
            .unwrap();
        self.admin.close().await;
    }
}
