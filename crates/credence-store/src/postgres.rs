//! `PgStore`: the PostgreSQL backend, for several service replicas on one database.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::audit::Head as ChainHead;
use crate::error::StoreError as Error;
use crate::types::StoreOptions;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    options: StoreOptions,
}

impl PgStore {
    /// Connects to a `postgres://` URL (an `options=-c search_path=...` parameter selects a
    /// schema) and runs the embedded migrations.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, StoreOptions::default()).await
    }

    /// [`connect`](Self::connect) with options.
    pub async fn connect_with(url: &str, store_options: StoreOptions) -> Result<Self, Error> {
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
        Ok(PgStore {
            pool,
            options: store_options,
        })
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

    /// Begins a status slot allocation and locks the one-row `status_allocator`, so allocators
    /// in every replica take turns (a batch of 10,000 badges holds it for well under a second).
    async fn begin_allocate(&self) -> Result<sqlx::Transaction<'static, Postgres>, Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM status_allocator WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}

crate::sql::sql_store!(PgStore, Postgres);
