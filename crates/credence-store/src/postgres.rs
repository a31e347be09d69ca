//! `PgStore`: the PostgreSQL backend, for several service replicas on one database.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::audit::Head as ChainHead;
use crate::error::StoreError as Error;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to a `postgres://` URL (an `options=-c search_path=...` parameter selects a
    /// schema) and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .connect_with(options)
            .await?;
        crate::migrations::POSTGRES
            .migrator()
            .await?
            .run(&pool)
            .await?;
        Ok(PgStore { pool })
    }

    /// Begins a transaction and locks the one-row audit chain head (`SELECT … FOR UPDATE`), which
    /// serialises writers across processes so the chain stays linear.
    async fn begin_write(
        &self,
    ) -> Result<(sqlx::Transaction<'static, Postgres>, ChainHead), Error> {
        let mut tx = self.pool.begin().await?;
        let (last_id, last_hash): (i64, String) =
            sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut *tx)
                .await?;
        Ok((tx, ChainHead { last_id, last_hash }))
    }
}

crate::sql::sql_store!(PgStore, Postgres);
